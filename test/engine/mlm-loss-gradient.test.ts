import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { maskedLmLoss } from '../../src-main/engine/bert/mlm-loss.js';

/** The textbook formula, differentiated by tfjs' autodiff. */
function referenceLoss(logits: tf.Tensor3D, labels: tf.Tensor2D): tf.Scalar {
  const v = logits.shape[2];
  const flat = labels.reshape([-1]);
  const keep = tf.notEqual(flat, -100).toFloat();
  const safe = tf.where(tf.notEqual(flat, -100), flat, tf.zerosLike(flat)) as tf.Tensor1D;
  const picked = tf.sum(tf.mul(tf.logSoftmax(logits.reshape([-1, v]), -1), tf.oneHot(safe, v)), -1);
  return tf.div(tf.neg(tf.sum(tf.mul(picked, keep))), tf.maximum(tf.sum(keep), 1)) as tf.Scalar;
}

test('masked LM loss and its logits gradient equal the autodiff of the textbook formula (ignored labels get zero gradient)', async () => {
  await selectBackend('wasm');
  const before = tf.memory().numTensors;
  const [ours, ref, oursGrad, refGrad] = tf.tidy(() => {
    const logits = tf.randomNormal([2, 5, 11], 0, 2, 'float32', 3) as tf.Tensor3D;
    const labels = tf.tensor2d([[3, -100, 0, 10, -100], [-100, 7, 7, 1, -100]], undefined, 'int32');
    const g1 = tf.valueAndGrad((x: tf.Tensor) => maskedLmLoss(x as tf.Tensor3D, labels))(logits);
    const g2 = tf.valueAndGrad((x: tf.Tensor) => referenceLoss(x as tf.Tensor3D, labels))(logits);
    return [g1.value, g2.value, g1.grad, g2.grad];
  });
  assert.ok(Math.abs(ours.dataSync()[0] - ref.dataSync()[0]) < 1e-6);
  const a = oursGrad.dataSync(), b = refGrad.dataSync();
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-6, `gradient element ${i}: ${a[i]} vs ${b[i]}`);
  assert.ok(Array.from(a.slice(11, 22)).every((x) => x === 0), 'position with label -100 has zero gradient');
  tf.dispose([ours, ref, oursGrad, refGrad]);
  assert.equal(tf.memory().numTensors, before);
});
