import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { AdamW, isNoDecayParameter } from '../../src-main/engine/train/adamw.js';

// Hand values (lr 0.1, betas 0.9/0.999, eps 1e-6, weight decay 0.01, p0 = 1, grads 0.5 then -1):
// step 1: m = 0.05, v = 0.00025, m̂ = 0.5, v̂ = 0.25 -> p = 1 - 0.1 * 0.5 / (0.5 + 1e-6) - 0.1 * 0.01 * 1
// step 2: m = -0.055, v = 0.00124975, bias corrections 0.19 and 0.001999.
const DECAYED = [0.8990001999996, 0.9347115062013513];
const NOT_DECAYED = [0.9000001999996, 0.9366105064013509];

function run(name: string): number[] {
  const w = tf.variable(tf.scalar(1), true, name);
  const opt = new AdamW([w], { weightDecay: 0.01, epsilon: 1e-6 });
  const out: number[] = [];
  for (const g of [0.5, -1]) {
    const grad = tf.scalar(g);
    opt.applyGradients({ [name]: grad }, 0.1);
    grad.dispose();
    out.push(w.dataSync()[0]);
  }
  opt.dispose();
  w.dispose();
  return out;
}

test('adamw matches hand-computed updates with bias correction and decoupled weight decay', async () => {
  await selectBackend('wasm');
  const got = run('adamw-test.encoder.dense.weight');
  got.forEach((v, i) => assert.ok(Math.abs(v - DECAYED[i]) < 1e-6, `step ${i + 1}: ${v} vs ${DECAYED[i]}`));
});

// correctBias false (the WID authors' correct_bias=False), same lr, betas, eps, p0 and grads, no decay (a bias):
// step 1: m = 0.05, v = 0.00025 -> p = 1 - 0.1 * 0.05 / (sqrt(0.00025) + 1e-6)
// step 2: m = -0.055, v = 0.00124975 -> p -= 0.1 * -0.055 / (sqrt(0.00124975) + 1e-6)
const UNCORRECTED = [0.683792232718331, 0.8393668825067075];

test('adamw with correctBias false steps by the raw moments m / (sqrt(v) + eps), as the hand computation', async () => {
  await selectBackend('wasm');
  const name = 'adamw-nobc.output.dense.bias';
  const w = tf.variable(tf.scalar(1), true, name);
  const opt = new AdamW([w], { weightDecay: 0.01, epsilon: 1e-6, correctBias: false });
  assert.equal(opt.correctBias, false);
  const got: number[] = [];
  for (const g of [0.5, -1]) {
    const grad = tf.scalar(g);
    opt.applyGradients({ [name]: grad }, 0.1);
    grad.dispose();
    got.push(w.dataSync()[0]);
  }
  opt.dispose();
  w.dispose();
  got.forEach((v, i) => assert.ok(Math.abs(v - UNCORRECTED[i]) < 1e-5, `step ${i + 1}: ${v} vs ${UNCORRECTED[i]}`));
  // with correction (the default) the same steps give the other hand values
  assert.ok(Math.abs(got[0] - NOT_DECAYED[0]) > 0.1);
});

test('adamw corrects the bias unless told not to', () => {
  const w = tf.variable(tf.scalar(1), true, 'adamw-default-bc');
  const opt = new AdamW([w]);
  assert.equal(opt.correctBias, true);
  opt.dispose();
  w.dispose();
});

test('adamw does not decay LayerNorm weights or biases', async () => {
  await selectBackend('wasm');
  assert.ok(isNoDecayParameter('bert.encoder.layer.0.output.LayerNorm.weight'));
  assert.ok(isNoDecayParameter('bert.encoder.layer.0.output.dense.bias'));
  assert.ok(!isNoDecayParameter('bert.encoder.layer.0.output.dense.weight'));
  const got = run('adamw-test.output.dense.bias');
  got.forEach((v, i) => assert.ok(Math.abs(v - NOT_DECAYED[i]) < 1e-6, `step ${i + 1}: ${v} vs ${NOT_DECAYED[i]}`));
});

test('adamw state saved after one step and restored into a fresh optimiser continues identically', async () => {
  await selectBackend('wasm');
  const a = tf.variable(tf.tensor1d([1, -2, 3]), true, 'adamw-state-a');
  const optA = new AdamW([a]);
  const g1 = tf.tensor1d([0.3, -0.1, 0.7]), g2 = tf.tensor1d([-0.2, 0.4, 0.1]);
  optA.applyGradients({ 'adamw-state-a': g1 }, 0.01);
  const saved = optA.getState();
  const b = tf.variable(a.clone(), true, 'adamw-state-b');
  const optB = new AdamW([b], {});
  // state is keyed by name: rename for the second variable
  optB.setState({ step: saved.step, m: { 'adamw-state-b': saved.m['adamw-state-a'] }, v: { 'adamw-state-b': saved.v['adamw-state-a'] } });
  optA.applyGradients({ 'adamw-state-a': g2 }, 0.01);
  optB.applyGradients({ 'adamw-state-b': g2 }, 0.01);
  assert.equal(optB.step, 2);
  assert.deepEqual(Array.from(b.dataSync()), Array.from(a.dataSync()));
  for (const t of [g1, g2, a, b, ...Object.values(saved.m), ...Object.values(saved.v)]) t.dispose();
  optA.dispose();
  optB.dispose();
});

test('adamw state with a wrong shape is rejected naming the variable', async () => {
  await selectBackend('wasm');
  const a = tf.variable(tf.zeros([2]), true, 'adamw-shape-a');
  const opt = new AdamW([a]);
  const bad = tf.zeros([3]);
  assert.throws(() => opt.setState({ step: 1, m: { 'adamw-shape-a': bad }, v: { 'adamw-shape-a': bad } }), /adamw-shape-a.*\[3\].*\[2\]/);
  bad.dispose();
  opt.dispose();
  a.dispose();
});

test('adamw step leaves no tensors behind', async () => {
  await selectBackend('wasm');
  const a = tf.variable(tf.ones([4, 4]), true, 'adamw-leak-a');
  const opt = new AdamW([a]);
  const g = tf.ones([4, 4]);
  opt.applyGradients({ 'adamw-leak-a': g }, 0.01);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 5; i++) opt.applyGradients({ 'adamw-leak-a': g }, 0.01);
  assert.equal(tf.memory().numTensors, before);
  g.dispose();
  opt.dispose();
  a.dispose();
});

test('an update holds one variable\'s temporaries at a time, not every variable\'s (peak memory of a step)', async () => {
  // 8 variables of 1 MiB: one tidy around the whole update kept ~14 temporaries of each alive to the end
  // (WID on the 4L-512H teacher exhausted the 4 GiB wasm heap that way); per variable the peak is one's worth.
  await selectBackend('wasm');
  const n = 8, size = 2 ** 18, mib = 2 ** 20;
  const vars = Array.from({ length: n }, (_, i) => tf.variable(tf.fill([size], 1), true, `adamw-peak-${i}`));
  const opt = new AdamW(vars, { weightDecay: 0.01 });
  const grads = Object.fromEntries(vars.map((v) => [v.name, tf.fill([size], 0.5)]));
  opt.applyGradients(grads, 0.01); // moments exist from here on
  const prof = await tf.profile(() => { opt.applyGradients(grads, 0.01); });
  const above = prof.peakBytes - tf.memory().numBytes; // one tidy for all: 128 MiB; one per variable: 16
  assert.ok(above < 24 * mib, `peak ${(above / mib).toFixed(1)} MiB above the live tensors for 8 variables of 1 MiB`);
  tf.dispose(Object.values(grads));
  opt.dispose();
  for (const v of vars) v.dispose();
});
