// In-place updates of variables on webgpu. tf.Variable.assign gives a variable a new data id (and buffer);
// a captured step's replay would keep updating and reading the old one. Updating the variable's own buffer
// keeps one buffer per variable for the whole run, like PyTorch's optimisers under CUDA graphs.
import * as tf from '@tensorflow/tfjs';
import { activeWebgpu, bufferOf, type WebgpuInternals } from './webgpu-internals.js';
import { noteInPlaceWrite } from './gpu-hooks.js';

/**
 * Makes `v` the only holder of its data: tf.variable(t) and clone() share the data id, and an in-place update
 * would change every tensor sharing it (e.g. the teacher's weights a WID student inherits).
 */
export function ensureSoleOwner(be: WebgpuInternals, v: tf.Variable): void {
  if (be.refCount(v.dataId) <= 1) return;
  const copy = tf.tidy(() => tf.mul(v, 1)); // exact for every value, -0 and NaN included
  v.assign(copy);
  copy.dispose();
}

/** `variable` takes `value`'s values: in place on webgpu (a buffer copy), by assign elsewhere. */
export function assignInPlace(variable: tf.Variable, value: tf.Tensor): void {
  const be = activeWebgpu();
  if (!be) { variable.assign(value); return; }
  if (value.shape.join() !== variable.shape.join() || value.dtype !== variable.dtype) {
    throw new Error(`assignInPlace: value [${value.shape}] ${value.dtype} does not fit variable "${variable.name}" [${variable.shape}] ${variable.dtype}`);
  }
  ensureSoleOwner(be, variable);
  const src = bufferOf(be, value), dst = bufferOf(be, variable);
  be.endComputePassEncoder();
  be.ensureCommandEncoderReady();
  be.commandEncoder!.copyBufferToBuffer(src, 0, dst, 0, 4 * variable.size);
  be.commandQueueOwnedIds.add(value.dataId);
  be.commandQueueOwnedIds.add(variable.dataId);
  noteInPlaceWrite(be, variable.dataId);
}

/**
 * A copy with its own data (clone() shares the data id, so the next in-place update of `t` would change the
 * copy too, and would first have to move the variable to a new buffer, invalidating captured steps).
 */
export function ownedCopy(t: tf.Tensor): tf.Tensor {
  const be = activeWebgpu();
  if (!be) return t.clone();
  const info = be.makeTensorInfo(t.shape, t.dtype);
  be.endComputePassEncoder();
  be.ensureCommandEncoderReady();
  be.commandEncoder!.copyBufferToBuffer(bufferOf(be, t), 0, bufferOf(be, info), 0, 4 * t.size);
  be.commandQueueOwnedIds.add(t.dataId);
  be.commandQueueOwnedIds.add(info.dataId);
  return tf.engine().makeTensorFromTensorInfo(info);
}
