// Global-norm gradient clipping (torch.nn.utils.clip_grad_norm_): scale every gradient by
// maxNorm / totalNorm when the total L2 norm over all gradients exceeds maxNorm.
import * as tf from '@tensorflow/tfjs';

/**
 * Returns the clipped gradients (new tensors; the caller disposes both maps) and the norm before clipping.
 * maxNorm <= 0 or Infinity disables clipping but still reports the norm.
 */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): { grads: tf.NamedTensorMap; norm: number } {
  const names = Object.keys(grads);
  if (!names.length) return { grads: {}, norm: 0 };
  const normT = tf.tidy(() => tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n]))))));
  const norm = normT.dataSync()[0];
  normT.dispose();
  if (!Number.isFinite(norm)) throw new Error(`gradient norm is ${norm}: the loss diverged (try a lower learning rate)`);
  const scale = maxNorm > 0 && Number.isFinite(maxNorm) && norm > maxNorm ? maxNorm / (norm + 1e-6) : 1;
  const out: tf.NamedTensorMap = {};
  for (const n of names) out[n] = scale === 1 ? grads[n].clone() : tf.tidy(() => tf.mul(grads[n], scale));
  return { grads: out, norm };
}
