import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { geluFused } from '../../src-main/engine/kernels/gelu.js';

const plainGelu = (x: tf.Tensor) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2))));

test('fused GELU gives the erf GELU\'s values and its autodiff gradient', async () => {
  await selectBackend('wasm');
  const x = tf.tensor1d([-4, -1.5, -0.3, 0, 0.2, 1, 2.5, 6]);
  const w = tf.tensor1d([0.3, -1, 2, 0.5, 1.5, -0.7, 1, 0.1]); // non-uniform upstream gradient
  const [yRef, yGot] = await Promise.all([plainGelu(x).data(), geluFused(x).data()]);
  const gRef = await tf.grad((t: tf.Tensor) => tf.sum(tf.mul(plainGelu(t), w)))(x).data();
  const gGot = await tf.grad((t: tf.Tensor) => tf.sum(tf.mul(geluFused(t), w)))(x).data();
  for (let i = 0; i < x.size; i++) {
    assert.ok(Math.abs(yGot[i] - yRef[i]) < 1e-6, `value[${i}] ${yGot[i]} vs ${yRef[i]}`);
    assert.ok(Math.abs(gGot[i] - gRef[i]) < 1e-5, `grad[${i}] ${gGot[i]} vs ${gRef[i]}`);
  }
  tf.dispose([x, w]);
});
