// LayerNorm over the last axis as one custom op with an analytic gradient: 2 kernels forward
// (row statistics, then normalise + scale + shift) and 5 backward, instead of ~11 forward and ~25
// backward tfjs ops, each of which costs ~60 µs of JS + Dawn time on webgpu (docs/performance.md).
// The four pieces are registered kernels on webgpu (webgpu-layer-norm.ts); elsewhere they run as
// plain tfjs ops, which is how the math is tested on cpu/wasm.
import * as tf from '@tensorflow/tfjs';

export const LN_STATS = 'WidLayerNormStats'; // x [R, H] -> [R, 2] (mean, 1/sqrt(var + eps))
export const LN_APPLY = 'WidLayerNormApply'; // x, stats, gamma, beta -> (x - mean) * rstd * gamma + beta
export const LN_XHAT = 'WidLayerNormXhat'; // x, stats -> (x - mean) * rstd
export const LN_DX = 'WidLayerNormDx'; // x, stats, gamma, dy -> dL/dx

function hasKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}

/** True where the active backend has the fused kernels (webgpu after registerWebgpuKernels). */
export function fusedLayerNormAvailable(): boolean {
  return hasKernel(LN_STATS) && hasKernel(LN_APPLY) && hasKernel(LN_XHAT) && hasKernel(LN_DX);
}

const col = (stats: tf.Tensor, i: number) => tf.slice(stats, [0, i], [-1, 1]);

function stats(x: tf.Tensor2D, eps: number): tf.Tensor2D {
  if (hasKernel(LN_STATS)) return tf.engine().runKernel(LN_STATS, { x }, { eps }) as tf.Tensor2D;
  return tf.tidy(() => {
    const mean = tf.mean(x, 1, true);
    const variance = tf.mean(tf.square(tf.sub(x, mean)), 1, true);
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

/** dx = rstd · (g − mean(g) − x̂ · mean(g · x̂)) with g = dy · gamma (per row). */
function dx(x: tf.Tensor2D, s: tf.Tensor2D, gamma: tf.Tensor, dy: tf.Tensor2D): tf.Tensor2D {
  if (hasKernel(LN_DX)) return tf.engine().runKernel(LN_DX, { x, stats: s, gamma, dy }) as tf.Tensor2D;
  return tf.tidy(() => {
    const xh = xhat(x, s);
    const g = tf.mul(dy, gamma);
    const m1 = tf.mean(g, 1, true), m2 = tf.mean(tf.mul(g, xh), 1, true);
    return tf.mul(col(s, 1), tf.sub(tf.sub(g, m1), tf.mul(xh, m2))) as tf.Tensor2D;
  });
}

/** LayerNorm over the last axis (biased variance, like torch) with the analytic gradient. */
export function layerNormFused(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  const width = x.shape[x.rank - 1];
  if (gamma.size !== width || beta.size !== width) {
    throw new Error(`layerNormFused: gamma [${gamma.shape}] and beta [${beta.shape}] must have ${width} elements (last axis of x [${x.shape}])`);
  }
  const op = tf.customGrad(((x2: tf.Tensor2D, g: tf.Tensor1D, b: tf.Tensor1D, save: tf.GradSaveFunc) => {
    const s = stats(x2, eps);
    save([x2, s, g]);
    return {
      value: apply(x2, s, g, b),
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const [sx, ss, sg] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
        const dX = dx(sx, ss, sg, dy);
        const xh = xhat(sx, ss);
        return [dX, tf.sum(tf.mul(dy, xh), 0), tf.sum(dy, 0)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor;
  return tf.tidy(() => op(tf.reshape(x, [-1, width]), tf.reshape(gamma, [width]), tf.reshape(beta, [width])).reshape(x.shape));
}
