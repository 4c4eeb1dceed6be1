import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { layerNormFused } from '../../src-main/engine/kernels/layer-norm.js';

// The plain composite LayerNorm (what bert/ops.ts computes without fused kernels), differentiated by tfjs.
function plainLayerNorm(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, eps: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, x.rank - 1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), g), b);
}

// The composite keep LayerNorm (what bert/ops.ts computes with a keep vector without fused kernels): mean and biased
// variance over the kept dims, the output over every dim.
function keepLayerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number, keep: tf.Tensor1D): tf.Tensor {
  const k = tf.sum(keep);
  const mean = tf.div(tf.sum(tf.mul(x, keep), -1, true), k);
  const centred = tf.sub(x, mean);
  const variance = tf.div(tf.sum(tf.mul(tf.square(centred), keep), -1, true), k);
  return tf.add(tf.mul(tf.div(centred, tf.sqrt(tf.add(variance, eps))), gamma), beta);
}

async function valueAndGrads(f: typeof plainLayerNorm, x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, w: tf.Tensor) {
  const { value, grads } = tf.valueAndGrads((xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(f(xx, gg, bb, 1e-5), w)))([x, g, b]);
  const y = Array.from(await f(x, g, b, 1e-5).data());
  const out = { loss: (await value.data())[0], y, grads: await Promise.all(grads.map(async (t) => Array.from(await t.data()))) };
  tf.dispose([value, ...grads]);
  return out;
}

function assertClose(a: number[], b: number[], what: string, tol = 2e-5): void {
  assert.equal(a.length, b.length, `${what}: length`);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= tol * Math.max(1, Math.abs(b[i])), `${what}[${i}]: ${v} vs ${b[i]}`));
}

test('fused LayerNorm gives the composite LayerNorm\'s output and gradients (x, gamma, beta) on a [2, 3, 8] input', async () => {
  await selectBackend('wasm');
  const x = tf.randomNormal([2, 3, 8], 0.5, 2, 'float32', 7);
  const g = tf.randomNormal([8], 1, 0.3, 'float32', 8), b = tf.randomNormal([8], 0, 0.3, 'float32', 9);
  const w = tf.randomNormal([2, 3, 8], 0, 1, 'float32', 10); // non-uniform upstream gradient
  const ref = await valueAndGrads(plainLayerNorm, x, g, b, w);
  const got = await valueAndGrads(layerNormFused, x, g, b, w);
  assertClose(got.y, ref.y, 'output');
  assertClose(got.grads[0], ref.grads[0], 'dx');
  assertClose(got.grads[1], ref.grads[1], 'dgamma');
  assertClose(got.grads[2], ref.grads[2], 'dbeta');
  tf.dispose([x, g, b, w]);
});

test('fused LayerNorm names the mismatched gamma width', async () => {
  await selectBackend('wasm');
  assert.throws(() => layerNormFused(tf.zeros([2, 4]), tf.ones([3]), tf.zeros([4]), 1e-12), /gamma \[3\].*4 elements/);
});

test('fused LayerNorm with a keep vector (3 of 8 dims masked) gives the composite keep LayerNorm\'s output and gradients (x, gamma, beta)', async () => {
  await selectBackend('wasm');
  const x = tf.randomNormal([2, 3, 8], 0.5, 2, 'float32', 17);
  const g = tf.randomNormal([8], 1, 0.3, 'float32', 18), b = tf.randomNormal([8], 0, 0.3, 'float32', 19);
  const w = tf.randomNormal([2, 3, 8], 0, 1, 'float32', 20);
  const keep = tf.tensor1d([1, 0, 1, 1, 0, 1, 0, 1]);
  const ref = await valueAndGrads((xx, gg, bb, eps) => keepLayerNorm(xx, gg, bb, eps, keep), x, g, b, w);
  const got = await valueAndGrads((xx, gg, bb, eps) => layerNormFused(xx, gg, bb, eps, keep), x, g, b, w);
  // the masked dims matter: statistics over all 8 dims give another output
  const plain = await valueAndGrads(plainLayerNorm, x, g, b, w);
  assert.ok(plain.y.some((v, i) => Math.abs(v - ref.y[i]) > 1e-2), 'the keep vector changes the output');
  assertClose(got.y, ref.y, 'output');
  assertClose(got.grads[0], ref.grads[0], 'dx');
  assertClose(got.grads[1], ref.grads[1], 'dgamma');
  assertClose(got.grads[2], ref.grads[2], 'dbeta');
  tf.dispose([x, g, b, w, keep]);
});

test('fused LayerNorm with keep = all ones is the plain fused LayerNorm, and leaks no tensor', async () => {
  await selectBackend('wasm');
  const x = tf.randomNormal([4, 8], 0, 3, 'float32', 27);
  const g = tf.randomNormal([8], 1, 0.3, 'float32', 28), b = tf.randomNormal([8], 0, 0.3, 'float32', 29);
  const w = tf.randomNormal([4, 8], 0, 1, 'float32', 30);
  const ones = tf.ones([8]) as tf.Tensor1D;
  const before = tf.memory().numTensors;
  const { value, grads } = tf.valueAndGrads((xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(layerNormFused(xx, gg, bb, 1e-5, ones), w)))([x, g, b]);
  tf.dispose([value, ...grads]);
  assert.equal(tf.memory().numTensors, before, 'tensors left by a forward and backward');
  const got = await valueAndGrads((xx, gg, bb, eps) => layerNormFused(xx, gg, bb, eps, ones), x, g, b, w);
  const ref = await valueAndGrads(layerNormFused, x, g, b, w);
  assertClose(got.y, ref.y, 'output', 1e-6);
  got.grads.forEach((gr, i) => assertClose(gr, ref.grads[i], `grad ${i}`, 1e-6));
  tf.dispose([x, g, b, w, ones]);
});

test('fused LayerNorm refuses a keep vector of another width', async () => {
  await selectBackend('wasm');
  assert.throws(() => layerNormFused(tf.zeros([2, 4]), tf.ones([4]), tf.zeros([4]), 1e-12, tf.ones([3]) as tf.Tensor1D), /keep must be float32 \[4\]/);
});
