import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { installReductionGradients } from '../../src-main/engine/kernels/reduction-gradients.js';

// Gradients of f at x with tfjs' own Sum/Mean gradients, computed before the override is installed.
async function gradsOf(f: (x: tf.Tensor) => tf.Scalar, x: tf.Tensor): Promise<number[]> {
  const g = tf.grad(f)(x);
  const out = Array.from(await g.data());
  g.dispose();
  return out;
}

const cases: Array<[string, (x: tf.Tensor) => tf.Scalar]> = [
  ['sum over all axes', (x) => tf.sum(tf.mul(x, x))],
  ['sum over axis 1, kept dims', (x) => tf.sum(tf.square(tf.sum(x, 1, true)))],
  ['sum over axis 0', (x) => tf.sum(tf.mul(tf.sum(x, 0), tf.range(0, 4)))],
  ['sum over axes [0, 2] with a negative axis', (x) => tf.sum(tf.exp(tf.sum(x.reshape([3, 2, 2]), [0, -1])))],
  ['mean over the last axis (LayerNorm moments)', (x) => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.sum(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))).mul(tf.range(0, 12).reshape([3, 4])));
  }],
  ['mean over all axes', (x) => tf.mean(tf.square(x))],
];

test('Sum and Mean gradients by broadcasting equal tfjs\' gradients through ones()', async () => {
  await tf.setBackend('wasm'); // not selectBackend: it installs the override, and test 1 needs tfjs' originals first
  const x = tf.tensor2d([[0.5, -1, 2, 0.1], [1.5, 0.3, -0.7, 2.2], [-0.4, 0.9, 1.1, -1.3]]);
  const before: number[][] = [];
  for (const [, f] of cases) before.push(await gradsOf(f, x));
  assert.equal(installReductionGradients({}), true);
  for (let i = 0; i < cases.length; i++) {
    const after = await gradsOf(cases[i][1], x);
    after.forEach((v, j) => assert.ok(Math.abs(v - before[i][j]) <= 1e-5 * Math.max(1, Math.abs(before[i][j])),
      `${cases[i][0]}: element ${j} ${v} vs ${before[i][j]}`));
  }
  x.dispose();
});

test('the reduction gradients leak no tensors and give 1/n per element for a mean', async () => {
  await tf.setBackend('wasm');
  installReductionGradients({});
  const x = tf.randomNormal([64, 512]);
  const before = tf.memory().numTensors;
  const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mean(t, 1)))(x);
  // only the gradient itself stays alive; nothing leaks from the override
  assert.equal(tf.memory().numTensors, before + 1);
  assert.deepEqual(g.shape, [64, 512]);
  assert.ok(Math.abs((await g.data())[0] - 1 / 512) < 1e-7);
  tf.dispose([x, g]);
});
