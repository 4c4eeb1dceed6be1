// WID's optional logit-KD objective (docs/wid.md §2; not the paper's, which is hard MLM only): at the masked positions,
// T² · KL(softmax(t/T) ‖ softmax(s/T)), averaged over positions whose label is not -100.
// KL rather than soft cross-entropy so the value is 0 when the student equals the teacher.
import * as tf from '@tensorflow/tfjs';

export function logitKdLoss(studentLogits: tf.Tensor3D, teacherLogits: tf.Tensor3D, labels: tf.Tensor2D, temperature: number): tf.Scalar {
  if (!(temperature > 0)) throw new Error(`temperature must be > 0, got ${temperature}`);
  if (studentLogits.shape.join() !== teacherLogits.shape.join()) {
    throw new Error(`student logits [${studentLogits.shape}] and teacher logits [${teacherLogits.shape}] must have the same shape`);
  }
  return tf.tidy(() => {
    const v = studentLogits.shape[2];
    // teacher logits come from frozen tensors: no path to the compactors, so no stop-gradient is needed
    const t = tf.div(teacherLogits, temperature).reshape([-1, v]);
    const s = tf.div(studentLogits, temperature).reshape([-1, v]);
    const logPt = tf.logSoftmax(t, -1);
    // KL(t‖s) = Σ p_t (log p_t − log p_s) >= 0; rounding can dip a row to -1e-7, so each row is clamped at 0
    const perPosition = tf.relu(tf.sum(tf.mul(tf.exp(logPt), tf.sub(logPt, tf.logSoftmax(s, -1))), -1));
    const keep = tf.notEqual(labels.reshape([-1]), -100).toFloat();
    const mean = tf.div(tf.sum(tf.mul(perPosition, keep)), tf.maximum(tf.sum(keep), 1));
    return tf.mul(mean, temperature * temperature) as tf.Scalar;
  });
}
