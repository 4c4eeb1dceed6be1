// LayerNorm over the last axis as one custom op with an analytic gradient: 2 kernels forward
// (row statistics, then normalise + scale + shift) and 5 backward, instead of ~11 forward and ~25
// backward tfjs ops, each of which costs ~60 µs of JS + Dawn time on webgpu (docs/performance.md).
// The four pieces are registered kernels on webgpu (webgpu-layer-norm.ts); elsewhere they run as
// plain tfjs ops, which is how the math is tested on cpu/wasm.
//
// With WID's `keep` vector k ([H] of 0/1, K = Σ k): μ = Σ k·x / K, σ² = Σ k·(x − μ)² / K over the kept dims only,
// x̂ = (x − μ)·rstd over every dim. Backward, with g = dy·γ: dx = rstd·(g − k·(Σ g / K + x̂·Σ g·x̂ / K)), the sums
// over every dim; k ≡ 1 gives the ordinary formula. K is summed from keep inside the kernels: WID writes the
// keep vector in place between steps, and a replayed step must see the new values.
import * as tf from '@tensorflow/tfjs';
import { fusionsOn } from './fusions.js';

export const LN_STATS = 'WidLayerNormStats'; // x [R, H] (, keep [H]) -> [R, 2] (mean, 1/sqrt(var + eps))
export const LN_APPLY = 'WidLayerNormApply'; // x, stats, gamma, beta -> (x - mean) * rstd * gamma + beta
export const LN_XHAT = 'WidLayerNormXhat'; // x, stats -> (x - mean) * rstd
export const LN_DX = 'WidLayerNormDx'; // x, stats, gamma, dy (, keep) -> dL/dx
export const LN_PARAM_GRADS = 'WidLayerNormParamGrads'; // x, stats, dy -> [Σ_rows dy·x̂, Σ_rows dy]

function hasKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}

/** True where the active backend has the fused kernels (webgpu after registerWebgpuKernels). */
export function fusedLayerNormAvailable(): boolean {
  return hasKernel(LN_STATS) && hasKernel(LN_APPLY) && hasKernel(LN_XHAT) && hasKernel(LN_DX);
}

/** The same with a keep vector; WID_FUSIONS=-layer-norm-keep (or off) leaves that case to the composite ops. */
export const fusedKeepLayerNormAvailable = (): boolean => fusionsOn('layer-norm-keep') && fusedLayerNormAvailable();

const col = (stats: tf.Tensor, i: number) => tf.slice(stats, [0, i], [-1, 1]);

/** Row means over the last axis, over the kept dims (divided by K) when `keep` is given. */
function rowMean(t: tf.Tensor, keep: tf.Tensor1D | null): tf.Tensor {
  return keep ? tf.div(tf.sum(tf.mul(t, keep), 1, true), tf.sum(keep)) : tf.mean(t, 1, true);
}

function stats(x: tf.Tensor2D, eps: number, keep: tf.Tensor1D | null): tf.Tensor2D {
  if (hasKernel(LN_STATS)) return tf.engine().runKernel(LN_STATS, keep ? { x, keep } : { x }, { eps }) as tf.Tensor2D;
  return tf.tidy(() => {
    const mean = rowMean(x, keep);
    const variance = rowMean(tf.square(tf.sub(x, mean)), keep);
    return tf.concat([mean, tf.rsqrt(tf.add(variance, eps))], 1) as tf.Tensor2D;
  });
}

function xhat(x: tf.Tensor2D, s: tf.Tensor2D): tf.Tensor2D {
  if (hasKernel(LN_XHAT)) return tf.engine().runKernel(LN_XHAT, { x, stats: s }) as tf.Tensor2D;
  return tf.tidy(() => tf.mul(tf.sub(x, col(s, 0)), col(s, 1)) as tf.Tensor2D);
}

function apply(x: tf.Tensor2D, s: tf.Tensor2D, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor2D {
  if (hasKernel(LN_APPLY)) return tf.engine().runKernel(LN_APPLY, { x, stats: s, gamma, beta }) as tf.Tensor2D;
  return tf.tidy(() => tf.add(tf.mul(xhat(x, s), gamma), beta) as tf.Tensor2D);
}

/**
 * dx = rstd · (g − mean(g) − x̂ · mean(g · x̂)) with g = dy · gamma (per row); with `keep`,
 * rstd · (g − k · (Σ g / K + x̂ · Σ g·x̂ / K)).
 */
function dx(x: tf.Tensor2D, s: tf.Tensor2D, gamma: tf.Tensor, dy: tf.Tensor2D, keep: tf.Tensor1D | null): tf.Tensor2D {
  if (hasKernel(LN_DX)) return tf.engine().runKernel(LN_DX, keep ? { x, stats: s, gamma, dy, keep } : { x, stats: s, gamma, dy }) as tf.Tensor2D;
  return tf.tidy(() => {
    const xh = xhat(x, s);
    const g = tf.mul(dy, gamma);
    if (!keep) {
      const m1 = tf.mean(g, 1, true), m2 = tf.mean(tf.mul(g, xh), 1, true);
      return tf.mul(col(s, 1), tf.sub(tf.sub(g, m1), tf.mul(xh, m2))) as tf.Tensor2D;
    }
    const k = tf.sum(keep);
    const m1 = tf.div(tf.sum(g, 1, true), k), m2 = tf.div(tf.sum(tf.mul(g, xh), 1, true), k);
    return tf.mul(col(s, 1), tf.sub(g, tf.mul(keep, tf.add(m1, tf.mul(xh, m2))))) as tf.Tensor2D;
  });
}

/** [dγ, dβ] = [Σ_rows dy·x̂, Σ_rows dy]: one pass on webgpu (WID_FUSIONS=-layer-norm-grads: x̂, a multiply and two sums). */
function paramGrads(x: tf.Tensor2D, s: tf.Tensor2D, dy: tf.Tensor2D): [tf.Tensor1D, tf.Tensor1D] {
  if (hasKernel(LN_PARAM_GRADS) && fusionsOn('layer-norm-grads')) return tf.engine().runKernel(LN_PARAM_GRADS, { x, stats: s, dy }) as unknown as [tf.Tensor1D, tf.Tensor1D];
  return [tf.sum(tf.mul(dy, xhat(x, s)), 0), tf.sum(dy, 0)];
}

/**
 * LayerNorm over the last axis (biased variance, like torch) with the analytic gradient. `keep` ([H] of 0/1):
 * statistics over the kept dims only (ops.ts layerNorm); no gradient flows to it.
 */
export function layerNormFused(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number, keep?: tf.Tensor1D | null): tf.Tensor {
  const width = x.shape[x.rank - 1];
  if (gamma.size !== width || beta.size !== width) {
    throw new Error(`layerNormFused: gamma [${gamma.shape}] and beta [${beta.shape}] must have ${width} elements (last axis of x [${x.shape}])`);
  }
  if (keep && (keep.rank !== 1 || keep.size !== width || keep.dtype !== 'float32')) {
    throw new Error(`layerNormFused: keep must be float32 [${width}] (last axis of x [${x.shape}]), got ${keep.dtype} [${keep.shape}]`);
  }
  const k = keep ?? null;
  // keep is read by the kernels but is no input of the custom op: it takes no gradient (a zero one would cost a
  // dispatch per LayerNorm); saved with the rest so that it outlives the forward for the backward
  const op = tf.customGrad(((x2: tf.Tensor2D, g: tf.Tensor1D, b: tf.Tensor1D, save: tf.GradSaveFunc) => {
    const s = stats(x2, eps, k);
    save(k ? [x2, s, g, k] : [x2, s, g]);
    return {
      value: apply(x2, s, g, b),
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const [sx, ss, sg, sk] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor1D | undefined];
        return [dx(sx, ss, sg, dy, sk ?? null), ...paramGrads(sx, ss, dy)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor;
  return tf.tidy(() => op(tf.reshape(x, [-1, width]), tf.reshape(gamma, [width]), tf.reshape(beta, [width])).reshape(x.shape));
}
