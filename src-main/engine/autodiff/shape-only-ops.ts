// Add and reshape whose gradients need only shapes, recorded on the tape without saving their input tensors. tfjs
// 4.22's Add gradient saves both inputs (inputsToSave ['a', 'b']) and Reshape's saves its input, only to read their
// shapes: every bias add keeps its matmul's output alive until the backward pass reaches it, every residual add
// both summands, every reshape its input. In a BERT-base step that is ~9 [tokens × hidden]-sized tensors per layer
// and the [tokens × vocab] decoder output, kept for nothing (bench gpu-memory). Same kernels and the same gradient
// ops as tfjs' (reshape of dy, sum over the broadcast axes), so the values are identical; env WID_LEAN_SAVES=off
// uses tf.add / tf.reshape (read at each call, for A/B in one process).
import * as tf from '@tensorflow/tfjs';

/** Whether these ops replace tf.add / tf.reshape (env WID_LEAN_SAVES, default on; WID_MEMORY_PLAN=off turns every lean switch off). */
export const leanSavesOn = (env: NodeJS.ProcessEnv = process.env): boolean => env.WID_LEAN_SAVES !== 'off' && env.WID_MEMORY_PLAN !== 'off';

/**
 * `f` in its own tidy scope when env WID_LEAN_FORWARD is on (default): a block's intermediates that its gradients
 * did not save are freed when the block ends, not when the whole forward pass ends (tfjs frees unsaved forward
 * tensors only at the end of the gradient's forward scope; PyTorch as soon as nothing refers to them).
 */
export function scoped<T extends tf.TensorContainer>(f: () => T, env: NodeJS.ProcessEnv = process.env): T {
  return env.WID_LEAN_FORWARD !== 'off' && env.WID_MEMORY_PLAN !== 'off' ? tf.tidy(f) : f();
}

/** dy summed over the axes `shape` was broadcast along, reshaped to `shape` (tfjs' Add gradient for one input). */
function unbroadcast(dy: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.backend_util.getReductionAxes(shape, dy.shape);
  return tf.reshape(axes.length > 0 ? tf.sum(dy, axes) : dy, shape);
}

/** a + b (broadcasting as tf.add), its gradient from shapes alone. */
export function add(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  if (!leanSavesOn() || a.dtype !== 'float32' || b.dtype !== 'float32') return tf.add(a, b);
  const aShape = a.shape.slice(), bShape = b.shape.slice();
  const f = tf.customGrad(((x: tf.Tensor, y: tf.Tensor) => ({
    value: tf.add(x, y),
    gradFunc: (dy: tf.Tensor) => [unbroadcast(dy, aShape), unbroadcast(dy, bShape)],
  })) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor, y: tf.Tensor) => tf.Tensor;
  return f(a, b);
}

/** x reshaped to `shape` (one -1 allowed, as tf.reshape), its gradient from x's shape alone. */
export function reshape(x: tf.Tensor, shape: number[]): tf.Tensor {
  if (!leanSavesOn() || x.dtype !== 'float32') return tf.reshape(x, shape);
  const xShape = x.shape.slice();
  const f = tf.customGrad(((t: tf.Tensor) => ({
    value: tf.reshape(t, shape),
    gradFunc: (dy: tf.Tensor) => tf.reshape(dy, xShape),
  })) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (t: tf.Tensor) => tf.Tensor;
  return f(x);
}
