import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { adamwStep, adamwStepComposite, fusedAdamWStep, ADAMW_KERNEL } from '../../src-main/engine/kernels/adamw-step.js';

const h = { lr: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-6, bc1: 1 - 0.9, bc2: 1 - 0.999, weightDecay: 0.01 };

test('the AdamW step formula gives the hand-computed first update with decoupled decay', async () => {
  await selectBackend('wasm');
  const r = adamwStepComposite(tf.tensor1d([1, -2]), tf.tensor1d([0.5, 0.25]), tf.zeros([2]), tf.zeros([2]), h);
  // first step: m̂ = g, v̂ = g², update = g / (|g| + eps) ≈ sign(g); decay uses the old value
  const expect = [1 - 0.1 * (0.5 / (0.5 + 1e-6)) - 1 * 0.1 * 0.01, -2 - 0.1 * (0.25 / (0.25 + 1e-6)) + 2 * 0.1 * 0.01];
  const got = Array.from(await r.param.data());
  got.forEach((x, i) => assert.ok(Math.abs(x - expect[i]) < 1e-6, `param[${i}] ${x} vs ${expect[i]}`));
  assert.deepEqual(Array.from(await r.m.data()).map((x) => +x.toFixed(6)), [0.05, 0.025]);
  tf.dispose([r.param, r.m, r.v]);
});

test('without a fused kernel on the backend, adamwStep falls back to the composite formula', async () => {
  await selectBackend('wasm');
  assert.equal(tf.getKernel(ADAMW_KERNEL, 'wasm'), undefined);
  const p = tf.tensor1d([0.3, -0.7, 2]), g = tf.tensor1d([0.1, -0.2, 0.05]), m = tf.tensor1d([0.01, 0, -0.02]), v = tf.tensor1d([1e-3, 2e-3, 0]);
  assert.equal(fusedAdamWStep(p, g, m, v, h), null);
  const a = adamwStep(p, g, m, v, h), b = adamwStepComposite(p, g, m, v, h);
  assert.deepEqual(Array.from(await a.param.data()), Array.from(await b.param.data()));
  tf.dispose([p, g, m, v, a.param, a.m, a.v, b.param, b.m, b.v]);
});
