// Masked-LM cross-entropy averaged over labelled positions (label -100 = ignore), as torch does.
// The gradient is written out (softmax − oneHot(label), scaled by keep/count): tfjs' autodiff of
// sum(logSoftmax · oneHot) broadcasts dy back over the [tokens × vocab] logits with Tile, which took
// 927 of 2593 kernel-ms of a tiny wasm training step at vocab 30522 (tf.profile, bench train-step).
import * as tf from '@tensorflow/tfjs';

type CrossEntropy = (logits: tf.Tensor2D, labels: tf.Tensor1D, weights: tf.Tensor1D) => tf.Scalar;

/** sum_i weights[i] · −log softmax(logits[i])[labels[i]] with the analytic gradient for logits. */
const weightedCrossEntropy = tf.customGrad(((logits: tf.Tensor2D, labels: tf.Tensor1D, weights: tf.Tensor1D, save: tf.GradSaveFunc) => {
  const [n, v] = logits.shape;
  const logProbs = tf.logSoftmax(logits, -1);
  // Picked with the one-hot the gradient needs anyway. A gather into the flattened [tokens × vocab] tensor
  // needs indices past 2^24, which tfjs-webgpu's gather rounds through f32 (it picked the wrong entries: MLM
  // loss ~9.9 instead of 3.2 for the real teacher at b32 s128 on the H200); tfjs-wasm crashes on a
  // per-row gather (batchDims 1).
  const picked = tf.sum(tf.mul(logProbs, tf.oneHot(tf.cast(labels, 'int32'), v)), 1);
  const value = tf.neg(tf.sum(tf.mul(picked, weights))) as tf.Scalar;
  save([logProbs, labels, weights]);
  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
    const [lp, lab, w] = saved as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D];
    const scale = tf.reshape(tf.mul(w, dy), [n, 1]);
    const dLogits = tf.mul(tf.sub(tf.exp(lp), tf.oneHot(lab, v)), scale);
    return [dLogits, tf.zerosLike(lab), tf.zerosLike(w)];
  };
  return { value, gradFunc };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as CrossEntropy;

export function maskedLmLoss(logits: tf.Tensor3D, labels: tf.Tensor2D): tf.Scalar {
  const [b, s, v] = logits.shape;
  if (labels.shape[0] !== b || labels.shape[1] !== s) {
    throw new Error(`labels shape [${labels.shape}] must be [${b}, ${s}] to match logits [${logits.shape}]`);
  }
  return tf.tidy(() => {
    const flatLabels = labels.reshape([-1]).toInt() as tf.Tensor1D;
    const keep = tf.notEqual(flatLabels, -100);
    const safeLabels = tf.where(keep, flatLabels, tf.zerosLike(flatLabels)) as tf.Tensor1D;
    const keepF = keep.toFloat();
    const count = tf.maximum(tf.sum(keepF), 1);
    const weights = tf.div(keepF, count) as tf.Tensor1D;
    return weightedCrossEntropy(logits.reshape([-1, v]) as tf.Tensor2D, safeLabels, weights);
  });
}
