// The sum of every entry of a tensor, spread over the GPU. tfjs-webgpu reduces a whole tensor to a scalar in ONE
// workgroup (reduce_webgpu.ts: a workgroup per output), so a one-pass tf.sum of a [2048, 2048] WID compactor or the
// [30522, H] word-embedding gradient is a serial read of the whole tensor on one SM. A matrix is summed along its
// rows first (a workgroup per row), then the row sums: the same sum up to float rounding (another order of
// additions); an inf or NaN entry makes it inf or NaN either way. Used by the global norm (clip.ts) and the loss
// scale's overflow flag (loss-scale.ts).
import * as tf from '@tensorflow/tfjs';

/** Matrices of at least this many entries are summed along their rows first. */
export const SPREAD_SUM_MIN_SIZE = 65536;

/** Σ g: rows first for a matrix of `minSize` entries or more, else one tf.sum. */
export function spreadSum(g: tf.Tensor, minSize = SPREAD_SUM_MIN_SIZE): tf.Scalar {
  if (g.rank < 2 || g.size < minSize) return tf.sum(g);
  return tf.tidy(() => tf.sum(tf.sum(tf.reshape(g, [-1, g.shape[g.rank - 1]]), 1)));
}
