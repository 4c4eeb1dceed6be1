// Masked-LM cross-entropy averaged over labelled positions (label -100 = ignore), as torch does.
// The gradient is written out (softmax − oneHot(label), scaled by keep/count): tfjs' autodiff of
// sum(logSoftmax · oneHot) broadcasts dy back over the [tokens × vocab] logits with Tile. On webgpu both
// directions are one kernel each (kernels/cross-entropy.ts).
import * as tf from '@tensorflow/tfjs';
import { crossEntropyGrad, crossEntropyRows } from '../kernels/cross-entropy.js';

type CrossEntropy = (logits: tf.Tensor2D, labels: tf.Tensor1D, weights: tf.Tensor1D) => tf.Scalar;

/** sum_i weights[i] · −log softmax(logits[i])[labels[i]] with the analytic gradient for logits. */
const weightedCrossEntropy = tf.customGrad(((logits: tf.Tensor2D, labels: tf.Tensor1D, weights: tf.Tensor1D, save: tf.GradSaveFunc) => {
  // the label's logit is picked with a one-hot (fallback) or by the kernel: a gather into the flattened
  // [tokens × vocab] tensor needs indices past 2^24, which tfjs-webgpu's gather rounds through f32, and
  // tfjs-wasm crashes on a per-row gather (batchDims 1)
  const rows = crossEntropyRows(logits, labels);
  const [n] = logits.shape;
  const picked = tf.sub(tf.slice(rows, [0, 1], [n, 1]), tf.slice(rows, [0, 0], [n, 1])).reshape([n]);
  const value = tf.neg(tf.sum(tf.mul(picked, weights))) as tf.Scalar;
  save([logits, rows, labels, weights]);
  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
    const [lg, r, lab, w] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor1D];
    return [crossEntropyGrad(lg, r, lab, tf.mul(w, dy) as tf.Tensor1D), tf.zerosLike(lab), tf.zerosLike(w)];
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
