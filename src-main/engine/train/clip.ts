// Global-norm gradient clipping (torch.nn.utils.clip_grad_norm_): scale every gradient by
// maxNorm / totalNorm when the total L2 norm over all gradients exceeds maxNorm.
import * as tf from '@tensorflow/tfjs';

/**
 * Device-side version: nothing is read back, so it works on backends without synchronous reads
 * (webgpu in Node) and does not stall the pipeline. Returns clipped gradients and the pre-clip norm
 * as a scalar (the caller disposes both). maxNorm <= 0 or Infinity disables clipping.
 */
export function clipByGlobalNormTensor(grads: tf.NamedTensorMap, maxNorm: number): { grads: tf.NamedTensorMap; norm: tf.Scalar } {
  const names = Object.keys(grads);
  if (!names.length) return { grads: {}, norm: tf.scalar(0) };
  return tf.tidy(() => {
    const norm = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n]))))) as tf.Scalar;
    const out: tf.NamedTensorMap = {};
    if (maxNorm > 0 && Number.isFinite(maxNorm)) {
      const scale = tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6)));
      for (const n of names) out[n] = tf.mul(grads[n], scale);
    } else {
      for (const n of names) out[n] = grads[n].clone();
    }
    return { grads: out, norm };
  });
}
