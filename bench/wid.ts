// `npm run bench -- wid [--size tiny|mini|small|base] [--backend wasm|webgpu|cpu|tensorflow|auto]
//   [--batch 8] [--seq 128] [--steps 10] [--preset wid55|wid11]`
// WID distillation steps (teacher forward, compactor effective weights, student forward, logit KD,
// backward into the compactors, AdamW) on a random teacher of the given size, timed in two phases:
// "full" = before pruning (compactor model at teacher width, the most expensive) and "pruned" = at the
// preset's width. Prints steps/s, tokens/s and peak tensor bytes (tf.profile of one step) as JSON and
// returns it (`--json FILE`, or gpu-entry, writes it).
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendPreference } from '../src-main/engine/backend/index.js';
import { BertConfig, initBertWeights, parameterCount, disposeWeights } from '../src-main/engine/bert/index.js';
import { createWidMethod, type WidMethod, type WidPreset } from '../src-main/engine/methods/wid/index.js';
import { AdamW } from '../src-main/engine/train/adamw.js';
import type { MlmBatch } from '../src-main/engine/train/method.js';

const base = { vocabSize: 30522, maxPositionEmbeddings: 512, typeVocabSize: 2, layerNormEps: 1e-12, hiddenAct: 'gelu' as const };
export const BENCH_SIZES: Record<string, BertConfig> = {
  tiny: { ...base, vocabSize: 4096, hiddenSize: 64, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 128 },
  mini: { ...base, hiddenSize: 256, numHiddenLayers: 4, numAttentionHeads: 4, intermediateSize: 1024 },
  small: { ...base, hiddenSize: 512, numHiddenLayers: 4, numAttentionHeads: 8, intermediateSize: 2048 },
  base: { ...base, hiddenSize: 768, numHiddenLayers: 12, numAttentionHeads: 12, intermediateSize: 3072 },
};

interface Args { size: string; backend: BackendPreference; batch: number; seq: number; steps: number; preset: WidPreset }

function parseArgs(argv: string[]): Args {
  const a: Args = { size: 'tiny', backend: 'wasm', batch: 8, seq: 128, steps: 10, preset: 'wid55' };
  for (let i = 0; i < argv.length; i += 2) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (v === undefined) throw new Error(`option ${k} needs a value`);
    if (k === '--size') { if (!BENCH_SIZES[v]) throw new Error(`--size must be one of ${Object.keys(BENCH_SIZES).join(', ')}, got ${v}`); a.size = v; }
    else if (k === '--backend') a.backend = v as BackendPreference;
    else if (k === '--preset') { if (v !== 'wid55' && v !== 'wid11') throw new Error(`--preset must be wid55 or wid11, got ${v}`); a.preset = v; }
    else if (k === '--batch' || k === '--seq' || k === '--steps') {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${k} must be a positive integer, got ${v}`);
      a[k.slice(2) as 'batch' | 'seq' | 'steps'] = n;
    } else throw new Error(`unknown option ${k} (known: --size --backend --batch --seq --steps --preset)`);
  }
  return a;
}

function randomBatch(cfg: BertConfig, batch: number, seq: number, seed: number): MlmBatch {
  return tf.tidy(() => {
    const inputIds = tf.randomUniform([batch, seq], 5, cfg.vocabSize, 'int32', seed) as tf.Tensor2D;
    const masked = tf.less(tf.randomUniform([batch, seq], 0, 1, 'float32', seed + 1), 0.15);
    return {
      inputIds,
      attentionMask: tf.onesLike(inputIds) as tf.Tensor2D,
      tokenTypeIds: tf.zerosLike(inputIds) as tf.Tensor2D,
      labels: tf.where(masked, inputIds, tf.fill([batch, seq], -100, 'int32')) as tf.Tensor2D,
    };
  });
}

async function step(m: WidMethod, opt: AdamW, batch: MlmBatch): Promise<number> {
  const { value, grads } = tf.variableGrads(() => m.loss(batch, 0).total, m.trainableVariables());
  opt.applyGradients(grads, 5e-5);
  tf.dispose(Object.values(grads));
  const loss = (await value.data())[0]; // waits for the device: the step is really done
  value.dispose();
  return loss;
}

interface PhaseResult { width: number; stepsPerSec: number; tokensPerSec: number; msPerStep: number; peakBytes: number; bytesAfter: number; lastLoss: number }

async function timePhase(m: WidMethod, opt: AdamW, batch: MlmBatch, a: Args): Promise<PhaseResult> {
  await step(m, opt, batch); // warm-up: shader/kernel compilation, optimiser slots
  const prof = await tf.profile(async () => { await step(m, opt, batch); });
  const t0 = performance.now();
  let lastLoss = NaN;
  for (let i = 0; i < a.steps; i++) lastLoss = await step(m, opt, batch);
  const sec = (performance.now() - t0) / 1000;
  return {
    width: m.currentSizes().hidden,
    stepsPerSec: a.steps / sec, tokensPerSec: (a.steps * a.batch * a.seq) / sec, msPerStep: (1000 * sec) / a.steps,
    peakBytes: prof.peakBytes, bytesAfter: tf.memory().numBytes, lastLoss,
  };
}

export async function main(argv: string[]): Promise<unknown> {
  const a = parseArgs(argv);
  const backend = await selectBackend(a.backend);
  const cfg = BENCH_SIZES[a.size];
  if (a.seq > cfg.maxPositionEmbeddings) throw new Error(`--seq ${a.seq} exceeds maxPositionEmbeddings ${cfg.maxPositionEmbeddings}`);
  const teacher = initBertWeights(cfg, 1, { mlmHead: true });
  const m = createWidMethod({ config: cfg, weights: teacher }, { preset: a.preset, pruneEvents: 1, pruneStart: 1, pruneEnd: 1 });
  const opt = new AdamW(m.trainableVariables(), { weightDecay: 0.01 });
  const batch = randomBatch(cfg, a.batch, a.seq, 7);
  const full = await timePhase(m, opt, batch, a);
  await m.afterStepAsync(0, 1); // prune straight to the preset's width (async: webgpu cannot read synchronously)
  const pruned = await timePhase(m, opt, batch, a);
  const result = {
    bench: 'wid', size: a.size, backend: backend.name, device: backend.device, batch: a.batch, seq: a.seq, steps: a.steps, preset: a.preset,
    teacherParams: parameterCount(cfg), studentParams: parameterCount(m.studentConfig), compactorParams: m.compactorParameters,
    student: m.targetSizes, full, pruned,
  };
  const json = JSON.stringify(result, null, 2);
  console.log(json);
  tf.dispose(Object.values(batch));
  opt.dispose();
  m.dispose();
  disposeWeights(teacher);
  return result;
}
