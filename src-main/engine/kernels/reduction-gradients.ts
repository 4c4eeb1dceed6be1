// Gradients of Sum and Mean without a CPU-side array of ones.
// tfjs-core's own Sum/Mean gradients compute dy · ones(x.shape): `ones` fills a JS typed array of
// x's full size on the CPU and uploads it, every backward pass. In the BERT-base MLM step that is
// the [4096 x 30522] loss sum plus two LayerNorm means per layer: a V8 profile on the H100 machine
// put 63-72% of the step's JS time in makeOnesTypedArray (docs/performance.md). Broadcasting dy on
// the device (tf.broadcastTo) gives the same values. Registered globally (the gradient registry is
// not per backend); same math on every backend.
import * as tf from '@tensorflow/tfjs';

function keptDimsShape(xShape: number[], axis: number | number[] | undefined): number[] {
  const rank = xShape.length;
  const axes = axis === undefined || axis === null ? xShape.map((_, i) => i)
    : (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a));
  const shape = xShape.slice();
  for (const a of axes) {
    if (!(a >= 0 && a < rank)) throw new Error(`reduction gradient: axis ${a} out of range for rank ${rank}`);
    shape[a] = 1;
  }
  return shape;
}

function broadcastBack(dy: tf.Tensor, x: tf.Tensor, axis: number | number[] | undefined): tf.Tensor {
  return tf.broadcastTo(tf.reshape(dy, keptDimsShape(x.shape, axis)), x.shape);
}

let installed = false;

/** Replaces tfjs' Sum and Mean gradients; idempotent. Env WID_REDUCTION_GRADS=tfjs keeps tfjs' own. */
export function installReductionGradients(env: NodeJS.ProcessEnv = process.env): boolean {
  if (installed || env.WID_REDUCTION_GRADS === 'tfjs') return false;
  installed = true;
  tf.registerGradient({
    kernelName: 'Sum',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const axis = (attrs as { axis?: number | number[] }).axis;
      return { x: () => broadcastBack(dy as tf.Tensor, x, axis) };
    },
  });
  tf.registerGradient({
    kernelName: 'Mean',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const axis = (attrs as { axis?: number | number[] }).axis;
      const kept = keptDimsShape(x.shape, axis);
      const reduceSize = x.size / kept.reduce((a, b) => a * b, 1);
      return { x: () => tf.div(broadcastBack(dy as tf.Tensor, x, axis), reduceSize) };
    },
  });
  return true;
}
