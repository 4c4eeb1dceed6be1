// Exact (erf) GELU as one custom op with an analytic gradient: 1 kernel forward, 1 backward on
// webgpu (webgpu-gelu.ts) instead of 5 and ~10 tfjs ops. Elsewhere the same formulas run as plain
// tfjs ops, which is how the math is tested on cpu/wasm.
import * as tf from '@tensorflow/tfjs';
import { fusionsOn } from './fusions.js';

export const GELU = 'WidGelu'; // x -> 0.5 x (1 + erf(x / sqrt 2))
export const GELU_GRAD = 'WidGeluGrad'; // x, dy -> dy · (Φ(x) + x φ(x))
export const BIAS_GELU = 'WidBiasGelu'; // x [rows, C], b [C] -> gelu(x + b)
export const BIAS_GELU_GRAD = 'WidBiasGeluGrad'; // x, b, dy -> dy · gelu'(x + b)

const has = (name: string) => tf.getKernel(name, tf.getBackend()) !== undefined;

export function fusedGeluAvailable(): boolean {
  return has(GELU) && has(GELU_GRAD);
}

function forward(x: tf.Tensor): tf.Tensor {
  if (has(GELU)) return tf.engine().runKernel(GELU, { x }) as tf.Tensor;
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2)))));
}

function backward(x: tf.Tensor, dy: tf.Tensor): tf.Tensor {
  if (has(GELU_GRAD)) return tf.engine().runKernel(GELU_GRAD, { x, dy }) as tf.Tensor;
  return tf.tidy(() => {
    const cdf = tf.mul(0.5, tf.add(1, tf.erf(tf.div(x, Math.SQRT2))));
    const pdf = tf.mul(tf.exp(tf.mul(tf.square(x), -0.5)), 1 / Math.sqrt(2 * Math.PI));
    return tf.mul(dy, tf.add(cdf, tf.mul(x, pdf)));
  });
}

/** gelu(x + b) as one kernel each way (the bias add folded in) where the backend has them and fusions are on (WID_FUSIONS). */
export function fusedBiasGeluAvailable(): boolean {
  return fusionsOn('bias-gelu') && has(BIAS_GELU) && has(BIAS_GELU_GRAD);
}

/**
 * gelu(x + b) for x [..., C], b [C]: the bias add inside the GELU kernels (webgpu: 1 kernel forward instead of 2,
 * the same f32 add and formula, so the same values as tf.add then geluFused). Saves x, not x + b (one tensor of that
 * size either way). Elsewhere: the same formulas as tfjs ops. The bias gradient is tfjs' Add gradient (Sum over rows).
 */
export function biasGeluFused(x: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const shape = x.shape.slice();
  const c = shape[shape.length - 1];
  if (b.rank !== 1 || b.shape[0] !== c) throw new Error(`biasGeluFused: bias [${b.shape}] does not fit x [${shape}]`);
  const op = tf.customGrad(((input: tf.Tensor, bias: tf.Tensor, save: tf.GradSaveFunc) => {
    const x2 = tf.reshape(input, [-1, c]);
    save([x2, bias]);
    const y = has(BIAS_GELU) ? tf.engine().runKernel(BIAS_GELU, { x: x2, b: bias }) as tf.Tensor : forward(tf.add(x2, bias));
    return {
      value: tf.reshape(y, shape),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sb] = saved;
        const dy2 = tf.reshape(dy, [-1, c]);
        const dh = has(BIAS_GELU_GRAD) ? tf.engine().runKernel(BIAS_GELU_GRAD, { x: sx, b: sb, dy: dy2 }) as tf.Tensor : backward(tf.add(sx, sb), dy2);
        return [tf.reshape(dh, shape), tf.sum(dh, 0)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor, b: tf.Tensor) => tf.Tensor;
  return op(x, b);
}

export function geluFused(x: tf.Tensor): tf.Tensor {
  const op = tf.customGrad(((input: tf.Tensor, save: tf.GradSaveFunc) => {
    save([input]);
    return { value: forward(input), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => backward(saved[0], dy) };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor) => tf.Tensor;
  return op(x);
}
