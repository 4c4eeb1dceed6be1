// Global-norm gradient clipping (torch.nn.utils.clip_grad_norm_): scale every gradient by
// maxNorm / totalNorm when the total L2 norm over all gradients exceeds maxNorm.
import * as tf from '@tensorflow/tfjs';
import { spreadSum, SPREAD_SUM_MIN_SIZE } from './spread-sum.js';
import { fusionsOn } from '../kernels/fusions.js';
import { rowSquareSums } from '../kernels/webgpu-sum-of-squares.js';

/**
 * Σ g² of one gradient, summed rows first for a large matrix (spread-sum.ts: tfjs-webgpu's whole-tensor reduce runs
 * in one workgroup). Env WID_CLIP_NORM (read at each call, for A/B in one process): unset = rows first for matrices
 * of SPREAD_SUM_MIN_SIZE entries or more, `scalar` = the one-pass sum always, `rows` = rows first for every matrix
 * (tests). The sum is the same up to float rounding (another order of additions). On webgpu, unless `scalar`, every
 * gradient is summed by rows in one dispatch (kernels/webgpu-sum-of-squares.ts).
 */
export function sumOfSquares(g: tf.Tensor, env: NodeJS.ProcessEnv = process.env): tf.Scalar {
  const mode = env.WID_CLIP_NORM ?? 'auto';
  if (mode !== 'auto' && mode !== 'scalar' && mode !== 'rows') throw new Error(`WID_CLIP_NORM must be scalar or rows (or unset), got "${mode}"`);
  // webgpu: the squares summed by rows in one dispatch, no squared copy (WID_FUSIONS=-sum-of-squares: tfjs' ops)
  const fused = mode !== 'scalar' && fusionsOn('sum-of-squares', env) ? rowSquareSums(g) : null;
  if (fused) return fused;
  const sq = tf.square(g);
  if (mode === 'scalar') return tf.sum(sq);
  return spreadSum(sq, mode === 'rows' ? 0 : SPREAD_SUM_MIN_SIZE);
}

/**
 * Device-side version: nothing is read back, so it works on backends without synchronous reads
 * (webgpu in Node) and does not stall the pipeline. Returns clipped gradients and the pre-clip norm
 * as a scalar (the caller disposes both). maxNorm <= 0 or Infinity disables clipping.
 */
export function clipByGlobalNormTensor(grads: tf.NamedTensorMap, maxNorm: number): { grads: tf.NamedTensorMap; norm: tf.Scalar } {
  const names = Object.keys(grads);
  if (!names.length) return { grads: {}, norm: tf.scalar(0) };
  return tf.tidy(() => {
    const norm = tf.sqrt(tf.addN(names.map((n) => sumOfSquares(grads[n])))) as tf.Scalar;
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
