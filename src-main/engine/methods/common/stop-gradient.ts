// tfjs has no stop_gradient op: a custom gradient that passes the value through and returns zero.
// Teacher outputs go through it so a loss never sends gradient into the teacher side.
import * as tf from '@tensorflow/tfjs';

const stop = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  return { value: tf.clone(x), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
});

export function stopGradient<T extends tf.Tensor>(x: T): T {
  return stop(x) as T;
}
