// Masked-LM cross-entropy averaged over labelled positions (label -100 = ignore), as torch does.
import * as tf from '@tensorflow/tfjs';

export function maskedLmLoss(logits: tf.Tensor3D, labels: tf.Tensor2D): tf.Scalar {
  const [b, s, v] = logits.shape;
  if (labels.shape[0] !== b || labels.shape[1] !== s) {
    throw new Error(`labels shape [${labels.shape}] must be [${b}, ${s}] to match logits [${logits.shape}]`);
  }
  return tf.tidy(() => {
    const flatLabels = labels.reshape([-1]).toInt();
    const keep = tf.notEqual(flatLabels, -100);
    const safeLabels = tf.where(keep, flatLabels, tf.zerosLike(flatLabels));
    const logProbs = tf.logSoftmax(logits.reshape([-1, v]), -1);
    const picked = tf.sum(tf.mul(logProbs, tf.oneHot(safeLabels, v)), -1);
    const keepF = keep.toFloat();
    const count = tf.maximum(tf.sum(keepF), 1);
    return tf.div(tf.neg(tf.sum(tf.mul(picked, keepF))), count) as tf.Scalar;
  });
}
