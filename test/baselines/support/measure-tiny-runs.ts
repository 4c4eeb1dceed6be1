// Not a test: measures DistilBERT and TinyBERT on the tiny teacher through the shared loop for docs/baselines.md.
// Usage: node --import tsx test/baselines/support/measure-tiny-runs.ts [steps=100] [teacherSteps=150] [backend=wasm]
//          [teacherCacheDir] [targetJson]
// The fixture teacher is randomly initialised (its MLM loss is ln 4096 ≈ 8.3), so it is first trained as a plain
// masked LM for `teacherSteps` steps through the same loop (saved to / reloaded from teacherCacheDir when given);
// then each method distils from it. With targetJson, WID, DistilBERT and TinyBERT all get that student shape (a
// compare group); without, DistilBERT and TinyBERT use their default shapes. Prints, per method: student shape and parameters, first/last training loss, tokens/s, and the masked-LM loss
// (hard labels) of teacher and exported student on 8 fixed batches of the corpus (same masks for all).
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendPreference } from '../../../src-main/engine/backend/index.js';
import { bertForward, disposeWeights, maskedLmLoss, mlmHead, parameterCount, type BertConfig, type BertWeights } from '../../../src-main/engine/bert/index.js';
import { loadHfModel, saveHfModel } from '../../../src-main/engine/checkpoint/index.js';
import type { StudentTarget } from '../../../src-main/engine/methods/common/student-size.js';
import { createWidMethod } from '../../../src-main/engine/methods/wid/index.js';
import { createDistilBertMethod } from '../../../src-main/engine/methods/distilbert/index.js';
import { createTinyBertMethod } from '../../../src-main/engine/methods/tinybert/index.js';
import { LineCorpus } from '../../../src-main/engine/train/corpus.js';
import { MlmBatcher, makeMlmBatch, disposeMlmBatch } from '../../../src-main/engine/train/batcher.js';
import { runDistillation } from '../../../src-main/engine/train/loop.js';
import type { DistillMethod, MlmBatch } from '../../../src-main/engine/train/method.js';
import { Rng } from '../../../src-main/engine/train/rng.js';
import { corpusTokenizer } from './corpus-tokenizer.js';
import { TINY_TEACHER } from './tiny-run.js';

const CORPUS = new URL('../../fixtures/corpus/pride-and-prejudice.txt', import.meta.url).pathname;
const steps = Number(process.argv[2] ?? 100);
const teacherSteps = Number(process.argv[3] ?? 150);
const backend = await selectBackend((process.argv[4] ?? 'wasm') as BackendPreference);
const teacherCache = process.argv[5];
const sharedTarget = process.argv[6] ? JSON.parse(process.argv[6]) as StudentTarget : undefined;
const cached = teacherCache !== undefined && existsSync(join(teacherCache, 'config.json'));
const teacher = await loadHfModel(cached ? teacherCache : TINY_TEACHER);
const tokenizer = corpusTokenizer(teacher.tokenizer!);
const shape = { seqLen: 32, batchSize: 8 };

/** The teacher's own weights as variables trained with the hard-label MLM loss (no distillation). */
function mlmPretraining(): DistillMethod {
  const vars: Record<string, tf.Variable> = {};
  for (const [n, t] of Object.entries(teacher.weights)) vars[n] = tf.variable(t, true, `teacher-mlm/${n}`);
  return {
    name: 'wid', // the loop only uses the name for checkpoints
    trainableVariables: () => Object.values(vars),
    loss: (b, step) => {
      const h = bertForward(vars, teacher.config, b, { dropout: { hidden: 0.1, attention: 0.1, seed: step } }).lastHiddenState;
      const mlm = maskedLmLoss(mlmHead(vars, teacher.config, h), b.labels);
      return { total: mlm, parts: { mlm } };
    },
    saveState: () => ({ tensors: {}, json: null }),
    loadState: () => {},
    exportStudent: () => ({ config: teacher.config, weights: Object.fromEntries(Object.entries(vars).map(([n, v]) => [n, tf.clone(v)])) }),
    dispose: () => Object.values(vars).forEach((v) => v.dispose()),
  };
}

// 8 evaluation batches with fixed masks
const evalBatches: MlmBatch[] = [];
{
  const corpus = new LineCorpus(CORPUS);
  const batcher = new MlmBatcher(corpus, tokenizer, shape);
  const rng = new Rng(12345);
  for (let i = 0; i < 8; i++) evalBatches.push(makeMlmBatch(await batcher.nextRows(), tokenizer, rng).batch);
  await corpus.close();
}
function mlmEval(weights: BertWeights, cfg: BertConfig): number {
  const losses = evalBatches.map((b) => tf.tidy(() => maskedLmLoss(mlmHead(weights, cfg, bertForward(weights, cfg, b).lastHiddenState), b.labels).dataSync()[0]));
  return losses.reduce((a, c) => a + c, 0) / losses.length;
}

if (cached) console.log(`teacher: MLM-trained copy from ${teacherCache}`);
else if (teacherSteps > 0) {
  const pre = mlmPretraining();
  const summary = await runDistillation({
    method: pre, tokenizer, corpusPath: CORPUS, budget: { steps: teacherSteps, ...shape },
    optimizer: { lr: 5e-3, warmupSteps: Math.round(teacherSteps / 10), weightDecay: 0.01, clipNorm: 1 },
    seed: 7, checkpointEvery: 0, workDir: mkdtempSync(join(tmpdir(), 'wid-measure-teacher-')),
  });
  const trained = pre.exportStudent().weights;
  pre.dispose();
  disposeWeights(teacher.weights);
  teacher.weights = trained;
  console.log(`teacher MLM pre-training: ${teacherSteps} steps, loss ${summary.firstLoss?.toFixed(3)} -> ${summary.finalLoss?.toFixed(3)} (${summary.elapsedSeconds.toFixed(1)} s)`);
  if (teacherCache) {
    await saveHfModel(teacherCache, { config: teacher.config, weights: teacher.weights, architecture: 'BertForMaskedLM', vocabPath: teacher.vocabPath });
  }
}
console.log(`backend ${backend.name}; teacher ${JSON.stringify([teacher.config.numHiddenLayers, teacher.config.hiddenSize, teacher.config.numAttentionHeads, teacher.config.intermediateSize])}, ` +
  `${parameterCount(teacher.config)} params, eval MLM loss ${mlmEval(teacher.weights, teacher.config).toFixed(3)}`);
const makers: [string, () => DistillMethod][] = sharedTarget
  ? [
    ['wid', () => createWidMethod(teacher, { target: sharedTarget })],
    ['distilbert', () => createDistilBertMethod(teacher, { seed: 1, target: sharedTarget })],
    ['tinybert', () => createTinyBertMethod(teacher, { seed: 1, target: sharedTarget })],
  ]
  : [
    ['distilbert', () => createDistilBertMethod(teacher, { seed: 1 })],
    ['tinybert', () => createTinyBertMethod(teacher, { seed: 1 })],
    ['tinybert (teacher shape 1L-64H)', () => createTinyBertMethod(teacher, { seed: 1, preset: 'distilbert' })],
  ];
const shapeOf = (c: BertConfig) => JSON.stringify([c.numHiddenLayers, c.hiddenSize, c.numAttentionHeads, c.intermediateSize]);
for (const [name, make] of makers) {
  const method = make();
  const before = (() => { const s = method.exportStudent(); const v = mlmEval(s.weights, s.config); disposeWeights(s.weights); return v; })();
  const summary = await runDistillation({
    method, tokenizer, corpusPath: CORPUS, budget: { steps, ...shape },
    optimizer: { lr: 1e-3, warmupSteps: Math.round(steps / 10), weightDecay: 0.01, clipNorm: 1 },
    seed: 3, checkpointEvery: 0, workDir: mkdtempSync(join(tmpdir(), 'wid-measure-')),
  });
  const s = method.exportStudent();
  const after = mlmEval(s.weights, s.config);
  disposeWeights(s.weights);
  method.dispose();
  console.log(`${name}: student ${shapeOf(s.config)}, ${parameterCount(s.config)} params; ` +
    `train loss ${summary.firstLoss?.toFixed(3)} -> ${summary.finalLoss?.toFixed(3)} in ${summary.steps} steps; ` +
    `${summary.tokensPerSec.toFixed(0)} tokens/s (${summary.elapsedSeconds.toFixed(1)} s); eval MLM loss ${before.toFixed(3)} -> ${after.toFixed(3)}`);
}
evalBatches.forEach(disposeMlmBatch);
