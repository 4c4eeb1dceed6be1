// The paper's attention analysis (docs/wid.md §7): does the student keep the teacher's attention patterns
// without any attention loss? Runs teacher and student on the same sentences and compares each student
// head with the teacher head it corresponds to.
import * as tf from '@tensorflow/tfjs';
import { BertConfig, BertWeights, bertForward } from '../../bert/index.js';
import type { BertTokenizer } from '../../tokenizer/index.js';
import type { AttentionArtifact, AttentionSentence } from './attention-artifact.js';

export interface AnalyzeAttentionInput {
  teacher: { config: BertConfig; weights: BertWeights };
  student: { config: BertConfig; weights: BertWeights };
  tokenizer: BertTokenizer;
  sentences: string[];
  /** Default: same layer when depths match, else uniform (student l ↔ teacher round((l+1)·Lt/Ls) − 1). */
  layerMap?: number[];
  /** Default: head h ↔ teacher head h (mod teacher heads). WID passes the kept heads of its masks. */
  headMap?: number[][];
  /** Tokens per sentence including [CLS]/[SEP] (default 24) — keeps the artifact small. */
  maxTokens?: number;
  /** Decimals kept in the stored maps (default 4). */
  decimals?: number;
}

export function defaultLayerMap(studentLayers: number, teacherLayers: number): number[] {
  return Array.from({ length: studentLayers }, (_, l) => Math.round(((l + 1) * teacherLayers) / studentLayers) - 1);
}

/** Mean JS divergence per query row of p and q ([..., q, k]), weighted by query mask [b, 1, q]. */
function jsDivergence(p: tf.Tensor4D, q: tf.Tensor4D, queryMask: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const eps = 1e-12;
    const m = tf.mul(tf.add(p, q), 0.5);
    const kl = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(a, tf.sub(tf.log(tf.add(a, eps)), tf.log(tf.add(b, eps)))), -1);
    const js = tf.mul(tf.add(kl(p, m), kl(q, m)), 0.5); // [b, h, q]
    const w = tf.mul(tf.onesLike(js), queryMask); // broadcast [b, 1, q] over heads
    return tf.div(tf.sum(tf.mul(js, w), [0, 2]), tf.maximum(tf.sum(w, [0, 2]), 1)) as tf.Tensor1D; // per head
  });
}

/** Async because results are read with await (webgpu in Node cannot read synchronously). */
export async function analyzeAttention(input: AnalyzeAttentionInput): Promise<AttentionArtifact> {
  const { teacher, student, tokenizer, sentences } = input;
  if (sentences.length === 0) throw new Error('analyzeAttention: sentences must not be empty');
  const tl = teacher.config.numHiddenLayers, sl = student.config.numHiddenLayers;
  const th = teacher.config.numAttentionHeads, sh = student.config.numAttentionHeads;
  const layerMap = input.layerMap ?? (sl === tl ? Array.from({ length: sl }, (_, l) => l) : defaultLayerMap(sl, tl));
  const headMap = input.headMap ?? Array.from({ length: sl }, () => Array.from({ length: sh }, (_, h) => h % th));
  if (layerMap.length !== sl || layerMap.some((t) => !Number.isInteger(t) || t < 0 || t >= tl)) {
    throw new Error(`layerMap must list ${sl} teacher layers in [0, ${tl - 1}], got ${JSON.stringify(layerMap)}`);
  }
  if (headMap.length !== sl || headMap.some((hs) => hs.length !== sh || hs.some((t) => !Number.isInteger(t) || t < 0 || t >= th))) {
    throw new Error(`headMap must give ${sh} teacher heads in [0, ${th - 1}] for each of ${sl} layers, got ${JSON.stringify(headMap)}`);
  }
  const maxTokens = input.maxTokens ?? 24;
  const scale = 10 ** (input.decimals ?? 4);
  const enc = tokenizer.encodeBatch(sentences, { maxLength: maxTokens, truncation: 'longest_first', padding: 'longest' });
  const [b, s] = [enc.batchSize, enc.seqLength];
  const round = (x: number) => Math.round(x * scale) / scale;

  const perHead: number[][] = [];
  const out: AttentionSentence[] = sentences.map((text, i) => ({ text, tokens: enc.rows[i].tokens.filter((_, j) => enc.rows[i].attentionMask[j] === 1), teacher: [], student: [] }));
  const inputIds = tf.tensor2d(enc.inputIds, [b, s], 'int32');
  const attentionMask = tf.tensor2d(enc.attentionMask, [b, s], 'int32');
  const tokenTypeIds = tf.tensor2d(enc.tokenTypeIds, [b, s], 'int32');
  const inputs = { inputIds, attentionMask, tokenTypeIds };
  // per student layer: the aligned teacher maps, the student maps and the per-head distance
  const perLayerTensors = tf.tidy(() => {
    const ta = bertForward(teacher.weights, teacher.config, inputs, { outputAttentions: true }).attentions!;
    const sa = bertForward(student.weights, student.config, inputs, { outputAttentions: true }).attentions!;
    const queryMask = attentionMask.toFloat().reshape([b, 1, s]);
    return layerMap.map((tl2, l) => {
      const teacherAligned = tf.gather(ta[tl2], tf.tensor1d(headMap[l], 'int32'), 1) as tf.Tensor4D; // [b, sh, s, s]
      return { teacher: teacherAligned, student: sa[l], distance: jsDivergence(teacherAligned, sa[l], queryMask) };
    });
  });
  try {
    for (const t of perLayerTensors) {
      perHead.push(Array.from(await t.distance.data()));
      const tArr = (await t.teacher.array()) as number[][][][], sArr = (await t.student.array()) as number[][][][];
      out.forEach((sentence, i) => {
        const n = sentence.tokens.length;
        const crop = (m: number[][]) => m.slice(0, n).map((row) => row.slice(0, n).map(round));
        sentence.teacher.push(tArr[i].map(crop));
        sentence.student.push(sArr[i].map(crop));
      });
    }
  } finally {
    tf.dispose([inputIds, attentionMask, tokenTypeIds, ...perLayerTensors.flatMap((t) => [t.teacher, t.student, t.distance])]);
  }
  const perLayer = perHead.map((hs) => hs.reduce((a, x) => a + x, 0) / hs.length);
  return {
    version: 1,
    teacher: { layers: tl, heads: th },
    student: { layers: sl, heads: sh },
    layerMap, headMap,
    distance: { metric: 'jensen-shannon', perHead, perLayer, mean: perLayer.reduce((a, x) => a + x, 0) / perLayer.length },
    sentences: out,
  };
}
