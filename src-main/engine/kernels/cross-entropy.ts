// Softmax cross-entropy over the vocabulary with integer labels as two kernels on webgpu (webgpu-cross-entropy.ts):
// per row the log-sum-exp and the label's logit (one read of the logits), and the gradient
// (softmax - one-hot) · scale in one pass. tfjs' logSoftmax + one-hot + multiply + sum take ~10 passes over the
// [tokens × vocab] logits and keep two more such tensors alive for the backward pass (500 MiB each at
// BERT-base b32 × s128). Elsewhere the same math runs as tfjs ops.
import * as tf from '@tensorflow/tfjs';
import { fusionsOn } from './fusions.js';

export const XENT_ROWS = 'WidCrossEntropyRows'; // logits [n, v], labels int32 [n] -> [n, 2] (logsumexp, logit of the label)
export const XENT_GRAD = 'WidCrossEntropyGrad'; // logits, rows [n, 2], labels, scale [n] -> (softmax - onehot) · scale

const has = (name: string) => tf.getKernel(name, tf.getBackend()) !== undefined;

export function fusedCrossEntropyAvailable(): boolean {
  return fusionsOn('cross-entropy') && has(XENT_ROWS) && has(XENT_GRAD);
}

/** [n, 2]: log Σ_j exp(logits[i, j]) and logits[i, labels[i]] per row. */
export function crossEntropyRows(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor2D {
  if (fusedCrossEntropyAvailable()) return tf.engine().runKernel(XENT_ROWS, { logits, labels }) as tf.Tensor2D;
  return tf.tidy(() => {
    const lse = tf.logSumExp(logits, 1, true);
    const picked = tf.sum(tf.mul(logits, tf.oneHot(tf.cast(labels, 'int32'), logits.shape[1])), 1, true);
    return tf.concat([lse, picked], 1) as tf.Tensor2D;
  });
}

/** d/dlogits of Σ_i scale[i] · (lse_i − logits[i, labels[i]]): (softmax − one-hot) · scale. */
export function crossEntropyGrad(logits: tf.Tensor2D, rows: tf.Tensor2D, labels: tf.Tensor1D, scale: tf.Tensor1D): tf.Tensor2D {
  if (fusedCrossEntropyAvailable()) return tf.engine().runKernel(XENT_GRAD, { logits, rows, labels, scale }) as tf.Tensor2D;
  return tf.tidy(() => {
    const [n, v] = logits.shape;
    const lse = tf.slice(rows, [0, 0], [n, 1]);
    const soft = tf.exp(tf.sub(logits, lse));
    return tf.mul(tf.sub(soft, tf.oneHot(tf.cast(labels, 'int32'), v)), tf.reshape(scale, [n, 1])) as tf.Tensor2D;
  });
}
