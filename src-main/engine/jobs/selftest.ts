// The `selftest` job: a few real optimiser steps of a tiny one-layer BERT on seeded synthetic MLM
// batches, on whichever backend the runner selected. It exercises the whole path (worker process,
// backend, progress, metrics, cancel) in seconds; the loss must go down or something is broken.
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bertForward, initBertWeights, maskedLmLoss, mlmHead, parameterCount, type BertConfig } from '../bert/index.js';
import { Rng } from '../train/rng.js';
import { selftestConfigSchema, type SelftestConfig } from '../../shared/api/run-config.js';
import { parseWith } from '../config/parse.js';
import { trainingStepBytes } from './memory.js';
import { applyTrainingPrecision, checkPrecisionBackend } from '../train/training-precision.js';
import type { JobContext, JobDefinition } from './types.js';

export type { SelftestConfig } from '../../shared/api/run-config.js';

const VOCAB = 64;
const TINY_BERT: BertConfig = {
  vocabSize: VOCAB, hiddenSize: 32, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 64,
  maxPositionEmbeddings: 128, typeVocabSize: 2, layerNormEps: 1e-12, hiddenAct: 'gelu',
};
const MASK_ID = 3;
const FIRST_WORD_ID = 5; // 0..4 play the role of [PAD], [UNK], [CLS], [MASK], [SEP]

export function parseSelftestConfig(raw: unknown): SelftestConfig {
  const config = parseWith(selftestConfigSchema, raw);
  checkPrecisionBackend(config);
  return config;
}

/**
 * Each sequence repeats one word (drawn from the first USED_WORDS ids) with ~15% of positions masked:
 * a masked token is whatever its neighbours are, so a working model learns it within a few steps
 * (first the word frequencies through the output bias, then copying through attention).
 */
const USED_WORDS = 16;
function syntheticBatch(rng: Rng, batchSize: number, seqLen: number) {
  const ids = new Int32Array(batchSize * seqLen);
  const labels = new Int32Array(batchSize * seqLen).fill(-100);
  for (let b = 0; b < batchSize; b++) {
    const token = FIRST_WORD_ID + rng.nextInt(USED_WORDS);
    let masked = 0;
    for (let s = 0; s < seqLen; s++) {
      const i = b * seqLen + s;
      ids[i] = token;
      if (rng.next() < 0.15 || (s === seqLen - 1 && masked === 0)) { ids[i] = MASK_ID; labels[i] = token; masked++; }
    }
  }
  return { ids, labels };
}

/** What a paused/cancelled selftest leaves in its workDir so a resume continues where it stopped. */
interface SelftestCheckpoint {
  step: number;
  rngState: number;
  firstLoss: number;
  weights: Record<string, number[]>;
  optimizer: { name: string; shape: number[]; dtype: 'float32' | 'int32'; values: number[] }[];
}
const CHECKPOINT_FILE = 'selftest-checkpoint.json';

async function saveCheckpoint(file: string, state: Omit<SelftestCheckpoint, 'weights' | 'optimizer'>,
  weights: Record<string, tf.Variable>, optimizer: tf.AdamOptimizer): Promise<void> {
  const ckpt: SelftestCheckpoint = {
    ...state,
    weights: Object.fromEntries(await Promise.all(Object.entries(weights).map(async ([n, v]) => [n, Array.from(await v.data())] as const))),
    optimizer: [],
  };
  const named = await optimizer.getWeights();
  for (const { name, tensor } of named) {
    ckpt.optimizer.push({ name, shape: tensor.shape, dtype: tensor.dtype as 'float32' | 'int32', values: Array.from(await tensor.data()) });
  }
  named[0].tensor.dispose(); // the iteration count is a fresh scalar; the rest are the optimizer's own variables
  writeFileSync(`${file}.tmp`, JSON.stringify(ckpt));
  renameSync(`${file}.tmp`, file); // atomic: a crash mid-write leaves the previous checkpoint
}

async function loadCheckpoint(file: string, weights: Record<string, tf.Variable>, optimizer: tf.AdamOptimizer): Promise<SelftestCheckpoint> {
  const ckpt = JSON.parse(readFileSync(file, 'utf8')) as SelftestCheckpoint;
  for (const [name, v] of Object.entries(weights)) {
    const values = ckpt.weights[name];
    if (!values || values.length !== v.size) throw new Error(`${file}: weight "${name}" missing or of the wrong size`);
    tf.tidy(() => v.assign(tf.tensor(values, v.shape, 'float32')));
  }
  const named = ckpt.optimizer.map((w) => ({ name: w.name, tensor: tf.tensor(w.values, w.shape, w.dtype) }));
  await optimizer.setWeights(named);
  tf.dispose(named.map((w) => w.tensor));
  return ckpt;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function runSelftest(config: SelftestConfig, ctx: JobContext): Promise<Record<string, unknown>> {
  // the matmuls' precision only: the selftest's optimiser is tfjs' Adam, without loss scaling (a plumbing check)
  const { precision } = applyTrainingPrecision({ precision: config.precision, lossScaling: 'off' }, ctx.backend.name);
  const initial = initBertWeights(TINY_BERT, config.seed);
  const weights = Object.fromEntries(Object.entries(initial).map(([name, t]) => [name, tf.variable(t, true, `selftest/${name}`)]));
  for (const t of Object.values(initial)) t.dispose();
  const optimizer = tf.train.adam(config.learningRate);
  const varList = Object.values(weights);
  const rng = new Rng(config.seed);
  const { batchSize, seqLen, steps } = config;
  let firstLoss = NaN, lastLoss = NaN, completed = 0;
  const started = Date.now();
  const checkpointFile = join(ctx.workDir, CHECKPOINT_FILE);
  try {
    if (ctx.resume && existsSync(checkpointFile)) {
      const ckpt = await loadCheckpoint(checkpointFile, weights, optimizer);
      completed = ckpt.step;
      firstLoss = ckpt.firstLoss;
      rng.setState(ckpt.rngState);
      ctx.log('info', `selftest: resuming after step ${completed} from ${checkpointFile}`);
    }
    ctx.log('info', `selftest: ${steps} steps, batch ${batchSize} x ${seqLen}, ${parameterCount(TINY_BERT)} parameters on ${ctx.backend.name}`);
    const startStep = completed;
    for (let step = startStep; step < steps; step++) {
      if (ctx.signal.aborted) break;
      const t0 = Date.now();
      const batch = syntheticBatch(rng, batchSize, seqLen);
      const lossTensor = tf.tidy(() => {
        const inputIds = tf.tensor2d(batch.ids, [batchSize, seqLen], 'int32');
        const labels = tf.tensor2d(batch.labels, [batchSize, seqLen], 'int32');
        const attentionMask = tf.onesLike(inputIds) as tf.Tensor2D;
        return optimizer.minimize(() => {
          const out = bertForward(weights, TINY_BERT, { inputIds, attentionMask });
          return maskedLmLoss(mlmHead(weights, TINY_BERT, out.lastHiddenState), labels);
        }, true, varList)!;
      });
      const loss = (await lossTensor.data())[0];
      lossTensor.dispose();
      if (step === 0) firstLoss = loss;
      lastLoss = loss;
      completed = step + 1;
      const seconds = Math.max(1e-3, (Date.now() - t0) / 1000);
      const elapsed = (Date.now() - started) / 1000;
      const doneHere = completed - startStep;
      ctx.progress({
        step: completed, totalSteps: steps, phase: 'selftest',
        values: { loss, lr: config.learningRate, tokensPerSec: (batchSize * seqLen) / seconds },
        etaSeconds: (elapsed / doneHere) * (steps - completed),
      });
      if (config.delayMs > 0) await sleep(config.delayMs);
    }
    if (ctx.signal.aborted && completed < steps) {
      await saveCheckpoint(checkpointFile, { step: completed, rngState: rng.getState(), firstLoss }, weights, optimizer);
      ctx.log('info', `selftest: stopped after step ${completed}; checkpoint saved for resume`);
    }
  } finally {
    optimizer.dispose();
    for (const v of Object.values(weights)) v.dispose();
  }
  return { firstLoss, finalLoss: lastLoss, parameterCount: parameterCount(TINY_BERT), steps: completed, precision };
}

export const selftestJob: JobDefinition<SelftestConfig> = {
  method: 'selftest',
  parseConfig: parseSelftestConfig,
  memoryNeed: (c) => ({
    bytes: trainingStepBytes(TINY_BERT, c.batchSize * c.seqLen, c.seqLen),
    what: `one training step of batchSize ${c.batchSize} x ${c.seqLen} tokens on the self-test's 1-layer, 32-wide model`,
    lower: 'lower batchSize or seqLen',
  }),
  run: runSelftest,
};
