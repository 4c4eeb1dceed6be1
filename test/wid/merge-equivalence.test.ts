import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { bertForward, mlmHead, disposeWeights, bertParameterShapes } from '../../src-main/engine/bert/index.js';
import { createCompactors } from '../../src-main/engine/methods/wid/compactors.js';
import { fullMasks, WidMasks } from '../../src-main/engine/methods/wid/masks.js';
import { mergeStudent } from '../../src-main/engine/methods/wid/merge.js';
import { referenceLogits } from './support/teacher-space-reference.js';
import { perturbCompactors, tinyBatch, tinyConfig, tinyTeacher } from './support/tiny-teacher.js';

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

function mergedLogits(merged: ReturnType<typeof mergeStudent>) {
  const batch = tinyBatch();
  return tf.tidy(() => mlmHead(merged.weights, merged.config, bertForward(merged.weights, merged.config, batch).lastHiddenState));
}

// heads 1 and 3 kept with dims {0,2} and {1,3}; 4 residual dims; 10 of 32 FFN dims
const prunedMasks: WidMasks = {
  residual: [1, 4, 9, 13],
  heads: [[1, 3], [0, 2]],
  headDims: [[[0, 2], [1, 3]], [[3, 0].sort(), [1, 2]]],
  intermediate: [[0, 3, 4, 7, 8, 15, 20, 21, 30, 31], [1, 2, 5, 6, 9, 10, 17, 18, 25, 29]],
};

test('with identity compactors and nothing pruned the merged student is the teacher', async () => {
  await selectBackend('wasm');
  const teacher = tinyTeacher(1);
  const c = createCompactors(tinyConfig);
  const merged = mergeStudent(teacher, tinyConfig, c, fullMasks(tinyConfig));
  const batch = tinyBatch();
  const teacherLogits = tf.tidy(() => mlmHead(teacher, tinyConfig, bertForward(teacher, tinyConfig, batch).lastHiddenState));
  const studentLogits = mergedLogits(merged);
  assert.ok(maxAbsDiff(teacherLogits, studentLogits) < 1e-4);
  tf.dispose([teacherLogits, studentLogits]);
  disposeWeights(teacher); disposeWeights(merged.weights); tf.dispose(Object.values(c));
});

test('before pruning the merged model equals the compactor model (trained, non-identity compactors)', async () => {
  await selectBackend('wasm');
  const teacher = tinyTeacher(2);
  const c = createCompactors(tinyConfig);
  perturbCompactors(c, 3);
  const masks = fullMasks(tinyConfig);
  const merged = mergeStudent(teacher, tinyConfig, c, masks);
  const { inputIds, attentionMask, tokenTypeIds } = tinyBatch();
  const ref = referenceLogits(teacher, tinyConfig, c, masks, inputIds, attentionMask, tokenTypeIds);
  const got = mergedLogits(merged);
  const diff = maxAbsDiff(ref, got);
  assert.ok(diff < 1e-4, `max abs diff ${diff}`);
  // and the compactors did change the function (the test would not notice a merge that ignores them otherwise)
  const plain = tf.tidy(() => mlmHead(teacher, tinyConfig, bertForward(teacher, tinyConfig, { inputIds, attentionMask, tokenTypeIds }).lastHiddenState));
  assert.ok(maxAbsDiff(plain, got) > 1e-2);
  tf.dispose([ref, got, plain]);
  disposeWeights(teacher); disposeWeights(merged.weights); tf.dispose(Object.values(c));
});

test('after pruning the merged model equals the compactor model with pruned rows/columns masked', async () => {
  await selectBackend('wasm');
  const teacher = tinyTeacher(4, tinyConfig, true);
  const c = createCompactors(tinyConfig);
  perturbCompactors(c, 5);
  const merged = mergeStudent(teacher, tinyConfig, c, prunedMasks);
  assert.equal(merged.config.hiddenSize, 4);
  assert.equal(merged.config.numAttentionHeads, 2);
  assert.equal(merged.config.intermediateSize, 10);
  const { inputIds, attentionMask, tokenTypeIds } = tinyBatch();
  const ref = referenceLogits(teacher, tinyConfig, c, prunedMasks, inputIds, attentionMask, tokenTypeIds);
  const got = mergedLogits(merged);
  const diff = maxAbsDiff(ref, got);
  assert.ok(diff < 1e-4, `max abs diff ${diff}`);
  tf.dispose([ref, got]);
  disposeWeights(teacher); disposeWeights(merged.weights); tf.dispose(Object.values(c));
});

test('the merged student has exactly the HF BertForMaskedLM names and shapes of its config (plus the pooler)', async () => {
  await selectBackend('wasm');
  const teacher = tinyTeacher(6, tinyConfig, true);
  const c = createCompactors(tinyConfig);
  const merged = mergeStudent(teacher, tinyConfig, c, prunedMasks);
  const expected = bertParameterShapes(merged.config, { mlmHead: true, pooler: true });
  assert.deepEqual(Object.keys(merged.weights).sort(), Object.keys(expected).sort());
  for (const [name, shape] of Object.entries(expected)) assert.deepEqual(merged.weights[name].shape, shape, name);
  disposeWeights(teacher); disposeWeights(merged.weights); tf.dispose(Object.values(c));
});
