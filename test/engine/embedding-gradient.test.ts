import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { embeddingLookup } from '../../src-main/engine/bert/embedding-lookup.js';

const ids = [3, 1, 3, 0, 7, 3, 1]; // repeated ids: their gradient rows must add up
const table = Array.from({ length: 8 * 5 }, (_, i) => Math.sin(i));
const weights = Array.from({ length: ids.length * 5 }, (_, i) => Math.cos(i));

async function gradOnBackend(backend: 'wasm' | 'cpu'): Promise<number[]> {
  await selectBackend(backend);
  const g = tf.tidy(() => {
    const t = tf.tensor2d(table, [8, 5]);
    const w = tf.tensor2d(weights, [ids.length, 5]);
    const f = (x: tf.Tensor) => embeddingLookup(x, tf.tensor1d(ids, 'int32')).mul(w).sum() as tf.Scalar;
    return tf.grad(f)(t);
  });
  const out = Array.from(await g.data());
  g.dispose();
  return out;
}

test('the embedding table gradient on wasm (no UnsortedSegmentSum) equals tf.gather\'s gradient on cpu, repeated ids summed', async () => {
  const wasm = await gradOnBackend('wasm');
  const cpu = await gradOnBackend('cpu');
  assert.equal(wasm.length, 40);
  for (let i = 0; i < wasm.length; i++) assert.ok(Math.abs(wasm[i] - cpu[i]) < 1e-6, `element ${i}: ${wasm[i]} vs ${cpu[i]}`);
  // row 3 appears three times: its gradient is the sum of three rows of `weights`
  const expected = [0, 2, 5].map((r) => weights[r * 5]).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(wasm[3 * 5] - expected) < 1e-6);
  assert.deepEqual(wasm.slice(2 * 5, 3 * 5), [0, 0, 0, 0, 0], 'unused row 2 gets no gradient');
});
