// MobileBERT parameters keyed by the Hugging Face names (MobileBertForMaskedLM / ForSequenceClassification layout,
// `mobilebert.` prefix, Dense [out, in]). NoNorm's γ/β keep the LayerNorm names, as transformers stores them.
import * as tf from '@tensorflow/tfjs';
import type { BertWeights } from '../bert/weights.js';
import { MobileBertConfig, trueHiddenSize, validateMobileBertConfig } from './config.js';

export interface MobileBertHeadOptions {
  /** cls.predictions.* (transform dense + LayerNorm, the extra dense [H - E, vocab], bias; decoder tied). */
  mlmHead?: boolean;
  /** mobilebert.pooler (when classifierActivation) + classifier. */
  classifier?: boolean;
  pooler?: boolean;
}

export const mobileBertLayerPrefix = (layer: number) => `mobilebert.encoder.layer.${layer}.`;

export function mobileBertParameterShapes(cfg: MobileBertConfig, heads: MobileBertHeadOptions = { mlmHead: true }): Record<string, number[]> {
  validateMobileBertConfig(cfg);
  const { vocabSize: V, embeddingSize: E, hiddenSize: H, intermediateSize: I } = cfg;
  const T = trueHiddenSize(cfg);
  const s: Record<string, number[]> = {};
  const dense = (name: string, out: number, inp: number) => { s[`${name}.weight`] = [out, inp]; s[`${name}.bias`] = [out]; };
  const norm = (name: string, n: number) => { s[`${name}.weight`] = [n]; s[`${name}.bias`] = [n]; };
  const e = 'mobilebert.embeddings.';
  s[`${e}word_embeddings.weight`] = [V, E];
  s[`${e}position_embeddings.weight`] = [cfg.maxPositionEmbeddings, H];
  s[`${e}token_type_embeddings.weight`] = [cfg.typeVocabSize, H];
  dense(`${e}embedding_transformation`, H, E * (cfg.trigramInput ? 3 : 1));
  norm(`${e}LayerNorm`, H);
  for (let i = 0; i < cfg.numHiddenLayers; i++) {
    const p = mobileBertLayerPrefix(i);
    dense(`${p}attention.self.query`, T, T);
    dense(`${p}attention.self.key`, T, T);
    dense(`${p}attention.self.value`, T, cfg.useBottleneckAttention ? T : H);
    dense(`${p}attention.output.dense`, T, T);
    norm(`${p}attention.output.LayerNorm`, T);
    dense(`${p}intermediate.dense`, I, T);
    dense(`${p}output.dense`, T, I);
    norm(`${p}output.LayerNorm`, T);
    if (cfg.useBottleneck) {
      dense(`${p}output.bottleneck.dense`, H, T);
      norm(`${p}output.bottleneck.LayerNorm`, H);
      dense(`${p}bottleneck.input.dense`, T, H);
      norm(`${p}bottleneck.input.LayerNorm`, T);
      if (cfg.keyQuerySharedBottleneck) {
        dense(`${p}bottleneck.attention.dense`, T, H);
        norm(`${p}bottleneck.attention.LayerNorm`, T);
      }
    }
    for (let k = 0; k < cfg.numFeedforwardNetworks - 1; k++) {
      dense(`${p}ffn.${k}.intermediate.dense`, I, T);
      dense(`${p}ffn.${k}.output.dense`, T, I);
      norm(`${p}ffn.${k}.output.LayerNorm`, T);
    }
  }
  if ((heads.pooler || heads.classifier) && cfg.classifierActivation) dense('mobilebert.pooler.dense', H, H);
  if (heads.classifier) {
    const L = cfg.numLabels ?? (cfg.problemType === 'regression' ? 1 : 2);
    dense('classifier', L, H);
  }
  if (heads.mlmHead) {
    dense('cls.predictions.transform.dense', H, H);
    norm('cls.predictions.transform.LayerNorm', H);
    s['cls.predictions.dense.weight'] = [H - E, V];
    s['cls.predictions.bias'] = [V];
  }
  return s;
}

export function mobileBertParameterCount(cfg: MobileBertConfig, heads: MobileBertHeadOptions = { mlmHead: true }): number {
  return Object.values(mobileBertParameterShapes(cfg, heads)).reduce((n, shape) => n + shape.reduce((a, b) => a * b, 1), 0);
}

/** Random init as transformers does: normal(0, 0.02) matrices/embeddings (padding row 0), zero biases, norms 1/0. */
export function initMobileBertWeights(cfg: MobileBertConfig, seed: number, heads: MobileBertHeadOptions = { mlmHead: true }): BertWeights {
  const out: BertWeights = {};
  let k = 0;
  for (const [name, shape] of Object.entries(mobileBertParameterShapes(cfg, heads))) {
    k++;
    if (name.endsWith('LayerNorm.weight')) out[name] = tf.ones(shape);
    else if (name.endsWith('.bias')) out[name] = tf.zeros(shape);
    else if (name === 'mobilebert.embeddings.word_embeddings.weight') {
      out[name] = tf.tidy(() => tf.concat([tf.zeros([1, shape[1]]),
        tf.randomNormal([shape[0] - 1, shape[1]], 0, 0.02, 'float32', seed * 100003 + k)], 0));
    } else out[name] = tf.randomNormal(shape, 0, 0.02, 'float32', seed * 100003 + k);
  }
  return out;
}
