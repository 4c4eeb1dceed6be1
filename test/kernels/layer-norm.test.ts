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
