// MobileBERT's attention transfer (Sun et al. 2020 §3.3): the KL divergence from the TEACHER's attention
// distribution to the student's, KL(a_t ‖ a_s) = Σ_k a_t,k (log a_t,k − log a_s,k), averaged over heads and the
// real query positions. With different head counts we compare the head-averaged distributions (a mean of
// distributions is a distribution), our extension so any student shape runs.
import * as tf from '@tensorflow/tfjs';
import { stopGradient } from '../common/stop-gradient.js';

const EPS = 1e-12;

/** teacher, student: attention probabilities [b, heads, q, k] (rows sum to 1); attentionMask [b, s] 1 = real token. */
export function attentionKl(teacher: tf.Tensor4D, student: tf.Tensor4D, attentionMask: tf.Tensor2D): tf.Scalar {
  if (teacher.shape[0] !== student.shape[0] || teacher.shape[2] !== student.shape[2] || teacher.shape[3] !== student.shape[3]) {
    throw new Error(`attentionKl: teacher [${teacher.shape}] and student [${student.shape}] attention maps differ beyond the head count`);
  }
  return tf.tidy(() => {
    let t: tf.Tensor = stopGradient(teacher), s: tf.Tensor = student;
    if (teacher.shape[1] !== student.shape[1]) { t = tf.mean(t, 1, true); s = tf.mean(s, 1, true); }
    // t·(log t − log s): where t = 0 (padded keys) the term is 0
    const perRow = tf.sum(tf.mul(t, tf.sub(tf.log(tf.add(t, EPS)), tf.log(tf.add(s, EPS)))), -1); // [b, h, q]
    const q = tf.cast(attentionMask, 'float32').expandDims(1); // [b, 1, q]
    const heads = perRow.shape[1]!;
    return tf.div(tf.sum(tf.mul(perRow, q)), tf.mul(tf.sum(q), heads)) as tf.Scalar;
  });
}
