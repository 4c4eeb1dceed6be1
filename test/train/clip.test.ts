import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { clipByGlobalNormTensor } from '../../src-main/engine/train/clip.js';

test('gradients above the max global norm are scaled down to it and the pre-clip norm is returned', async () => {
  await selectBackend('wasm');
  // global norm of [3] and [4] is 5
  const grads = { a: tf.tensor1d([3]), b: tf.tensor1d([4]) };
  const { grads: clipped, norm } = clipByGlobalNormTensor(grads, 1);
  assert.ok(Math.abs((await norm.data())[0] - 5) < 1e-6);
  assert.ok(Math.abs((await clipped.a.data())[0] - 0.6) < 1e-5);
  assert.ok(Math.abs((await clipped.b.data())[0] - 0.8) < 1e-5);
  tf.dispose([grads.a, grads.b, clipped.a, clipped.b, norm]);
});

test('gradients under the max norm are unchanged', async () => {
  await selectBackend('wasm');
  const grads = { a: tf.tensor1d([0.3, 0.4]) };
  const { grads: clipped, norm } = clipByGlobalNormTensor(grads, 1);
  assert.ok(Math.abs((await norm.data())[0] - 0.5) < 1e-6);
  assert.deepEqual(Array.from(await clipped.a.data()), Array.from(await grads.a.data()));
  tf.dispose([grads.a, clipped.a, norm]);
});

test('a non-finite gradient gives a non-finite norm (callers stop on it) and clipping leaks nothing', async () => {
  await selectBackend('wasm');
  const grads = { a: tf.tensor1d([NaN]) };
  const before = tf.memory().numTensors;
  const { grads: clipped, norm } = clipByGlobalNormTensor(grads, 1);
  assert.ok(!Number.isFinite((await norm.data())[0]));
  tf.dispose([clipped.a, norm]);
  assert.equal(tf.memory().numTensors, before);
  grads.a.dispose();
});
