// Exact (erf) GELU as one custom op with an analytic gradient: 1 kernel forward, 1 backward on
// webgpu (webgpu-gelu.ts) instead of 5 and ~10 tfjs ops. Elsewhere the same formulas run as plain
// tfjs ops, which is how the math is tested on cpu/wasm.
import * as tf from '@tensorflow/tfjs';

export const GELU = 'WidGelu'; // x -> 0.5 x (1 + erf(x / sqrt 2))
export const GELU_GRAD = 'WidGeluGrad'; // x, dy -> dy · (Φ(x) + x φ(x))

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

export function geluFused(x: tf.Tensor): tf.Tensor {
  const op = tf.customGrad(((input: tf.Tensor, save: tf.GradSaveFunc) => {
    save([input]);
    return { value: forward(input), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => backward(saved[0], dy) };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor) => tf.Tensor;
  return op(x);
}
