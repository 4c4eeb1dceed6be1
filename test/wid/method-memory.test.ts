import { test } from 'node:test';
import { HARD_KD } from './support/hard-schedule.js';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { disposeWeights } from '../../src-main/engine/bert/index.js';
import { createWidMethod } from '../../src-main/engine/methods/wid/index.js';
import { tinyBatch, tinyConfig, tinyTeacher } from './support/tiny-teacher.js';

test('loss, pruning, state round-trip and export leave no tensors behind', async () => {
  await selectBackend('wasm');
  const teacher = tinyTeacher(3);
  const labels = tf.tensor2d([[-100, 6, -100, 8, 12, -100], [-100, -100, 4, 20, -100, -100]], undefined, 'int32');
  const batch = { ...tinyBatch(), labels };
  const m = createWidMethod({ config: tinyConfig, weights: teacher }, { target: { hidden: 8, heads: 4, intermediate: 16 }, pruneEvents: 2, variablePrefix: 'wid-mem/' });
  const opt = tf.train.adam(1e-2);
  const step = () => tf.tidy(() => { opt.minimize(() => m.loss(batch, 0).total, false, m.trainableVariables()); });
  step(); // the optimiser creates its slots on the first step
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) step();
  tf.tidy(() => { m.loss(batch, 0); });
  assert.equal(tf.memory().numTensors, before, 'loss/step');
  // pruning replaces the index tensors: same count once the first event has happened
  await m.afterStepAsync(5, 10);
  step();
  const afterPrune = tf.memory().numTensors;
  await m.afterStepAsync(9, 10);
  step();
  assert.equal(tf.memory().numTensors, afterPrune, 'second pruning event');
  const state = m.saveState();
  m.loadState(state);
  tf.dispose(Object.values(state.tensors));
  const student = m.exportStudent();
  disposeWeights(student.weights);
  assert.equal(tf.memory().numTensors, afterPrune, 'state round-trip and export');
  opt.dispose();
  m.dispose();
  tf.dispose(Object.values(batch));
  disposeWeights(teacher);
});

test('a saved state restores compactors and masks into a fresh method', async () => {
  await selectBackend('wasm');
  const teacher = tinyTeacher(4);
  const labels = tf.tensor2d([[-100, 6, -100, 8, 12, -100], [-100, -100, 4, 20, -100, -100]], undefined, 'int32');
  const batch = { ...tinyBatch(), labels };
  const opts = { ...HARD_KD, target: { hidden: 8, heads: 4, intermediate: 16 }, pruneEvents: 2, pruneStart: 0, pruneEnd: 0.5 };
  const a = createWidMethod({ config: tinyConfig, weights: teacher }, { ...opts, variablePrefix: 'wid-a/' });
  const opt = tf.train.adam(1e-2);
  for (let i = 0; i < 4; i++) {
    tf.tidy(() => { opt.minimize(() => a.loss(batch, i).total, false, a.trainableVariables()); });
    await a.afterStepAsync(i, 8);
  }
  const state = a.saveState();
  const b = createWidMethod({ config: tinyConfig, weights: teacher }, { ...opts, variablePrefix: 'wid-b/' });
  // the json part goes through JSON as a checkpoint file would
  b.loadState({ tensors: state.tensors, json: JSON.parse(JSON.stringify(state.json)) });
  assert.deepEqual(b.masks(), a.masks());
  assert.equal(b.eventsApplied(), a.eventsApplied());
  const la = tf.tidy(() => a.loss(batch, 4).total.dataSync()[0]);
  const lb = tf.tidy(() => b.loss(batch, 4).total.dataSync()[0]);
  assert.equal(lb, la);
  assert.throws(() => b.loadState({ tensors: {}, json: state.json }), /saved state has no tensor "compactor\/bert\.embeddings\.row"/);
  const badMasks = JSON.parse(JSON.stringify(state.json));
  badMasks.masks.intermediate[1] = [3, 2, 40];
  assert.throws(() => b.loadState({ tensors: state.tensors, json: badMasks }), /masks\.intermediate\[1\] must hold increasing integers in \[0, 31\]; entry 1 is 2/);
  assert.deepEqual(b.masks(), a.masks(), 'a rejected state changes nothing');
  tf.dispose(Object.values(state.tensors));
  opt.dispose();
  a.dispose(); b.dispose();
  tf.dispose(Object.values(batch));
  disposeWeights(teacher);
});
