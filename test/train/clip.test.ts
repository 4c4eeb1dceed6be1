import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { clipByGlobalNorm } from '../../src-main/engine/train/clip.js';

test('gradients above the max global norm are scaled down to it and the pre-clip norm is returned', async () => {
  await selectBackend('wasm');
  // global norm of [3] and [4] is 5
  const grads = { a: tf.tensor1d([3]), b: tf.tensor1d([4]) };
  const { grads: clipped, norm } = clipByGlobalNorm(grads, 1);
  assert.ok(Math.abs(norm - 5) < 1e-6);
  assert.ok(Math.abs(clipped.a.dataSync()[0] - 0.6) < 1e-5);
  assert.ok(Math.abs(clipped.b.dataSync()[0] - 0.8) < 1e-5);
  tf.dispose([grads.a, grads.b, clipped.a, clipped.b]);
});

test('gradients under the max norm are unchanged', async () => {
  await selectBackend('wasm');
  const grads = { a: tf.tensor1d([0.3, 0.4]) };
  const { grads: clipped, norm } = clipByGlobalNorm(grads, 1);
  assert.ok(Math.abs(norm - 0.5) < 1e-6);
  assert.deepEqual(Array.from(clipped.a.dataSync()), Array.from(grads.a.dataSync()));
  tf.dispose([grads.a, clipped.a]);
});

test('a non-finite gradient norm is reported as divergence', async () => {
  await selectBackend('wasm');
  const grads = { a: tf.tensor1d([NaN]) };
  assert.throws(() => clipByGlobalNorm(grads, 1), /diverged/);
  grads.a.dispose();
});
