// TinyBERT's attention term for one layer pair: MSE of pre-softmax scores with masked positions (<= -100) zeroed,
// as the reference general_distill.py does. TinyBERT needs equal head counts; when the student has a different
// number of heads we compare the head-averaged score maps instead (our extension, so any student shape runs).
import * as tf from '@tensorflow/tfjs';
import { meanSquaredError, zeroMaskedScores } from '../common/losses.js';

/** scores [b, heads, s, s] of student and teacher. */
export function attentionScoreLoss(student: tf.Tensor4D, teacher: tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => {
    const s = zeroMaskedScores(student);
    const t = zeroMaskedScores(teacher);
    if (student.shape[1] === teacher.shape[1]) return meanSquaredError(s, t);
    return meanSquaredError(tf.mean(s, 1), tf.mean(t, 1));
  });
}
