import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { clipByGlobalNormTensor, sumOfSquares } from '../../src-main/engine/train/clip.js';
import { fileURLToPath } from 'node:url';
import { runOnSwiftShader, swiftshaderSkip } from '../support/swiftshader.js';

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

test('Σg² of a matrix summed by rows first (the default from 65,536 entries; WID_CLIP_NORM=rows) is the sum, at least as close to it as one pass', async () => {
  await selectBackend('wasm');
  const g = tf.randomNormal([300, 301], 0, 1, 'float32', 4);
  const v = tf.randomNormal([7], 0, 1, 'float32', 5);
  const exact = Array.from(g.dataSync()).reduce((a, x) => a + x * x, 0); // float64
  const one = sumOfSquares(g, { WID_CLIP_NORM: 'scalar' }).dataSync()[0];
  for (const env of [{}, { WID_CLIP_NORM: 'rows' }]) {
    const rows = sumOfSquares(g, env).dataSync()[0];
    assert.ok(Math.abs(rows - exact) <= 1e-6 * exact && Math.abs(rows - exact) <= Math.abs(one - exact), `rows ${rows}, one pass ${one}, exact ${exact}`);
  }
  assert.equal(sumOfSquares(v, { WID_CLIP_NORM: 'rows' }).dataSync()[0], sumOfSquares(v, { WID_CLIP_NORM: 'scalar' }).dataSync()[0]);
  assert.throws(() => sumOfSquares(g, { WID_CLIP_NORM: 'fast' }), /WID_CLIP_NORM must be scalar or rows/);
  tf.dispose([g, v]);
});

const child = fileURLToPath(new URL('./clip-swiftshader.ts', import.meta.url));
interface ClipResult {
  device: string; shapes: number;
  fused: { rel: number; bad: string[]; leaked: number; rowKernels: number; squares: number; norm: number };
  unfused: { rel: number; bad: string[]; rowKernels: number; squares: number; norm: number };
  referenceNorm: number;
}

test('on webgpu Σg² sums the squares by rows in one dispatch per gradient, no squared copy (SwiftShader): the float64 sum within 1e-6, inf and NaN kept; WID_FUSIONS=-sum-of-squares squares first',
  { skip: swiftshaderSkip, timeout: 150_000 }, () => {
    const r = runOnSwiftShader<ClipResult>(child, 120_000);
    assert.match(r.device, /swiftshader/i);
    assert.ok(r.fused.rel <= 1e-6 && r.unfused.rel <= 1e-6, JSON.stringify(r));
    assert.deepEqual(r.fused.bad, ['Infinity', 'NaN']);
    assert.deepEqual(r.unfused.bad, ['Infinity', 'NaN']);
    assert.equal(r.fused.leaked, 0);
    // every shape, the two non-finite cases and the clip's two gradients: one row-sum dispatch each, no square kernel
    // (the one unary kernel left is the norm's square root)
    assert.equal(r.fused.rowKernels, r.shapes + 4);
    assert.equal(r.fused.squares, 1);
    assert.equal(r.unfused.rowKernels, 0);
    assert.equal(r.unfused.squares, r.shapes + 5);
    assert.ok(Math.abs(r.fused.norm - r.referenceNorm) <= 1e-6 * r.referenceNorm);
  });
