// A tiny WID run on the tiny teacher fixture through the shared loop: the schedule reaches the requested
// width, the KD loss falls after the last pruning event, and the exported student loads back and computes
// the same function as the compactor model it was merged from.
import { test, before, after } from 'node:test';
import { HARD_KD } from './support/hard-schedule.js';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { bertForward, disposeWeights, mlmHead, parameterCount } from '../../src-main/engine/bert/index.js';
import { loadHfModel, saveHfModel, type LoadedHfModel } from '../../src-main/engine/checkpoint/index.js';
import { createWidMethod } from '../../src-main/engine/methods/wid/index.js';
import { logitKdLoss } from '../../src-main/engine/methods/wid/kd-loss.js';
import { corpusTokenizerFrom } from '../../src-main/engine/train/corpus-tokenizer.js';
import { runDistillation } from '../../src-main/engine/train/loop.js';

const TINY_TEACHER = new URL('../fixtures/bert/tiny-teacher', import.meta.url).pathname;
const CORPUS = new URL('../fixtures/corpus/pride-and-prejudice.txt', import.meta.url).pathname;

let teacher: LoadedHfModel;
before(async () => {
  await selectBackend('wasm');
  teacher = await loadHfModel(TINY_TEACHER);
});
after(() => disposeWeights(teacher.weights));

test('WID on the tiny teacher: reaches the target width, KD loss falls after pruning, exported student loads back and matches', async () => {
  const tensorsBefore = tf.memory().numTensors;
  const steps = 30;
  const method = createWidMethod({ config: teacher.config, weights: teacher.weights }, {
    ...HARD_KD, target: { hidden: 32, heads: 4, intermediate: 64, layers: 2 }, pruneStart: 0.1, pruneEnd: 0.2, pruneEvents: 3, temperature: 1,
  });
  // a fixed batch (every 5th token masked) so losses before/after recovery are comparable
  const enc = teacher.tokenizer!.encodeBatch([
    'It is a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife.',
    'However little known the feelings or views of such a man may be on his first entering a neighbourhood.',
    'She was the youngest of the two, and her mother was fond of her.',
    'Mr. Bennet was so odd a mixture of quick parts, sarcastic humour, reserve, and caprice.',
  ], { padding: 'longest' });
  const inputIds = tf.tensor2d(enc.inputIds, [enc.batchSize, enc.seqLength], 'int32');
  const attentionMask = tf.tensor2d(enc.attentionMask, [enc.batchSize, enc.seqLength], 'int32');
  const tokenTypeIds = tf.tensor2d(enc.tokenTypeIds, [enc.batchSize, enc.seqLength], 'int32');
  const labels = tf.tidy(() => {
    const every5th = tf.equal(tf.mod(tf.range(0, enc.batchSize * enc.seqLength, 1, 'int32'), 5), 0).reshape(inputIds.shape);
    return tf.where(tf.logicalAnd(every5th, tf.equal(attentionMask, 1)), inputIds, tf.fill(inputIds.shape, -100, 'int32')) as tf.Tensor2D;
  });
  const batch = { inputIds, attentionMask, tokenTypeIds, labels };
  const fixedLoss = () => tf.tidy(() => method.loss(batch, 0).total.dataSync()[0]);
  const losses: number[] = [];
  const sizes: number[] = [];
  let afterPrune = NaN;
  await runDistillation({
    method, tokenizer: corpusTokenizerFrom(teacher.tokenizer!), corpusPath: CORPUS,
    budget: { steps, seqLen: 32, batchSize: 4 },
    optimizer: { lr: 1e-2, warmupSteps: 2, weightDecay: 0.01, clipNorm: 1 },
    seed: 5, checkpointEvery: 0, workDir: mkdtempSync(join(tmpdir(), 'wid-e2e-')),
    onProgress: (p) => {
      losses.push(p.values['loss/kd']);
      sizes.push(p.values['size/hidden']);
      if (p.values['size/hidden'] === 32 && Number.isNaN(afterPrune)) afterPrune = fixedLoss();
    },
  });
  assert.equal(losses.length, steps);
  // identity compactors: the student starts as the teacher
  assert.ok(losses[0] < 1e-4, `first loss ${losses[0]}`);
  assert.equal(sizes[sizes.length - 1], 32);
  assert.deepEqual([...new Set(sizes)], [64, 52, 44, 32]); // hidden = 4 heads × headDim 16 → 13 → 11 → 8
  const end = fixedLoss();
  console.log(`fixed-batch KD loss: after last pruning event ${afterPrune.toFixed(5)}, end ${end.toFixed(5)}`);
  assert.ok(end < afterPrune * 0.9, `KD loss on a fixed batch right after the last pruning event ${afterPrune} -> end ${end}`);

  const student = method.exportStudent();
  assert.equal(parameterCount(student.config), parameterCount({ ...teacher.config, hiddenSize: 32, intermediateSize: 64 }));
  const dir = join(mkdtempSync(join(tmpdir(), 'wid-e2e-export-')), 'student');
  try {
    await saveHfModel(dir, { config: student.config, weights: student.weights, architecture: 'BertForMaskedLM', vocabPath: teacher.vocabPath });
  } finally {
    disposeWeights(student.weights);
  }
  const reloaded = await loadHfModel(dir);
  assert.equal(reloaded.config.hiddenSize, 32);
  assert.equal(reloaded.config.numAttentionHeads, 4);
  assert.equal(reloaded.config.intermediateSize, 64);
  assert.equal(reloaded.config.numHiddenLayers, 2);
  assert.deepEqual(reloaded.config.raw?.wid_inherited_heads, method.masks().heads);
  // the reloaded dense student has the compactor model's KD loss
  const methodLoss = fixedLoss();
  const reloadedLoss = tf.tidy(() => {
    const logits = (w: typeof reloaded.weights, cfg: typeof reloaded.config) => mlmHead(w, cfg, bertForward(w, cfg, batch).lastHiddenState);
    return logitKdLoss(logits(reloaded.weights, reloaded.config), logits(teacher.weights, teacher.config), labels, 1).dataSync()[0];
  });
  assert.ok(Math.abs(methodLoss - reloadedLoss) < 1e-4, `compactor model ${methodLoss} vs reloaded student ${reloadedLoss}`);
  assert.ok(methodLoss > 0);
  tf.dispose(Object.values(batch));
  disposeWeights(reloaded.weights);
  method.dispose();
  assert.equal(tf.memory().numTensors, tensorsBefore, 'no tensors left behind');
});
