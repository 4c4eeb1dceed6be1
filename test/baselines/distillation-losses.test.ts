// Each loss term checked against a value computed by hand on tiny tensors.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import {
  softCrossEntropy, softTargetKl, cosineEmbeddingLoss, meanSquaredError, zeroMaskedScores,
} from '../../src-main/engine/methods/common/losses.js';
import { stopGradient } from '../../src-main/engine/methods/common/stop-gradient.js';

before(async () => { await selectBackend('wasm'); });

const close = (actual: number, expected: number, eps = 1e-5) =>
  assert.ok(Math.abs(actual - expected) < eps, `expected ${expected}, got ${actual}`);

test('soft cross-entropy at T=2 equals -Σ p_teacher log q_student of the softened distributions', () => {
  // student [0, 2 ln 3]/2 = [0, ln 3] -> q = [1/4, 3/4]; teacher [0, 0] -> p = [1/2, 1/2]
  // CE = -(1/2 ln 1/4 + 1/2 ln 3/4) = 0.836988...
  const expected = -(0.5 * Math.log(0.25) + 0.5 * Math.log(0.75));
  const value = tf.tidy(() => softCrossEntropy(
    tf.tensor3d([[[0, 2 * Math.log(3)]]]), tf.tensor3d([[[0, 0]]]), { temperature: 2 }).dataSync()[0]);
  close(value, expected);
});

test('soft cross-entropy averages over the positions the mask keeps only', () => {
  // position 0 as above (0.836988); position 1 (masked out) would add a large value
  const expected = -(0.5 * Math.log(0.25) + 0.5 * Math.log(0.75));
  const value = tf.tidy(() => softCrossEntropy(
    tf.tensor3d([[[0, 2 * Math.log(3)], [50, -50]]]), tf.tensor3d([[[0, 0], [-50, 50]]]),
    { temperature: 2, mask: tf.tensor2d([[1, 0]]) }).dataSync()[0]);
  close(value, expected);
});

test('soft cross-entropy rejects logits of different shapes and a non-positive temperature', () => {
  tf.tidy(() => {
    assert.throws(() => softCrossEntropy(tf.zeros([1, 2, 3]), tf.zeros([1, 2, 4]), { temperature: 1 }), /same shape/);
    assert.throws(() => softCrossEntropy(tf.zeros([1, 2, 3]), tf.zeros([1, 2, 3]), { temperature: 0 }), /temperature must be > 0/);
  });
});

test('soft-target KL at T=2 equals Σ p (log p − log q) and is soft CE minus the teacher entropy', () => {
  // p = [1/2, 1/2], q = [1/4, 3/4]: KL = 1/2 ln 2 + 1/2 ln(2/3) = 0.143841...
  const expected = 0.5 * Math.log(2) + 0.5 * Math.log(2 / 3);
  const [kl, ce] = tf.tidy(() => {
    const s = tf.tensor3d([[[0, 2 * Math.log(3)], [1, 1]]]), t = tf.tensor3d([[[0, 0], [5, -5]]]), mask = tf.tensor2d([[1, 0]]);
    return [softTargetKl(s, t, { temperature: 2, mask }).dataSync()[0], softCrossEntropy(s, t, { temperature: 2, mask }).dataSync()[0]];
  });
  close(kl, expected);
  close(ce - kl, Math.log(2)); // entropy of [1/2, 1/2]
});

test('cosine loss is the mean of 1 - cos over the kept positions', () => {
  // [1,0]·[1,1] -> cos = 1/√2 -> 0.292893; [0,2] vs [0,-3] -> cos = -1 -> 2
  const s = [[[1, 0], [0, 2]]], t = [[[1, 1], [0, -3]]];
  const all = tf.tidy(() => cosineEmbeddingLoss(tf.tensor3d(s), tf.tensor3d(t)).dataSync()[0]);
  close(all, ((1 - Math.SQRT1_2) + 2) / 2);
  const firstOnly = tf.tidy(() => cosineEmbeddingLoss(tf.tensor3d(s), tf.tensor3d(t), { mask: tf.tensor2d([[1, 0]]) }).dataSync()[0]);
  close(firstOnly, 1 - Math.SQRT1_2);
});

test('mean squared error averages over every element', () => {
  // ((1-0)² + (2-0)² + (3-1)² + (0-0)²) / 4 = 9/4
  const value = tf.tidy(() => meanSquaredError(tf.tensor2d([[1, 2], [3, 0]]), tf.tensor2d([[0, 0], [1, 0]])).dataSync()[0]);
  close(value, 2.25);
});

test('masked attention scores (<= -100) become 0, others are kept', () => {
  const out = tf.tidy(() => Array.from(zeroMaskedScores(tf.tensor1d([-3.4e38, 0.5, -50, -100, -101])).dataSync()));
  assert.deepEqual(out.map((x) => x + 0), [0, 0.5, -50, 0, 0]); // +0 turns -0 into 0
});

test('no gradient flows into the teacher side of a loss', () => {
  const g = tf.tidy(() => {
    const t = tf.tensor1d([1, 2]);
    const grads = tf.grads((s: tf.Tensor, tt: tf.Tensor) => meanSquaredError(s, tt))([tf.tensor1d([0, 0]), t]);
    return [Array.from(grads[0].dataSync()), Array.from(grads[1].dataSync())];
  });
  // d/ds mean((s-t)²) = 2(s-t)/2 = s - t
  assert.deepEqual(g[0], [-1, -2]);
  assert.deepEqual(g[1], [0, 0]);
  const x = tf.tidy(() => Array.from(stopGradient(tf.tensor1d([3, 4])).dataSync()));
  assert.deepEqual(x, [3, 4]);
});

test('loss calls leave no tensors behind', () => {
  const inputs = [tf.randomNormal([2, 3, 5]), tf.randomNormal([2, 3, 5]), tf.tensor2d([[1, 1, 0], [1, 0, 0]])];
  const before = tf.memory().numTensors;
  const results = [
    softCrossEntropy(inputs[0], inputs[1], { temperature: 2, mask: inputs[2] }),
    softTargetKl(inputs[0], inputs[1], { temperature: 2, mask: inputs[2] }),
    cosineEmbeddingLoss(inputs[0], inputs[1], { mask: inputs[2] }),
    meanSquaredError(inputs[0], inputs[1]),
    zeroMaskedScores(inputs[0]),
  ];
  assert.equal(tf.memory().numTensors, before + results.length);
  tf.dispose([...results, ...inputs]);
});
