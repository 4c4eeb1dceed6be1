// CPU -> GPU uploads through queue.writeBuffer instead of tfjs' mapped staging buffer.
// tfjs-webgpu uploads every new CPU tensor (each JS number in tf.mul(x, 0.5) becomes one) by
// creating a fresh MAP_WRITE buffer mapped at creation, ending the current compute pass and
// recording a copy: measured 849 µs per `tf.add(y, 1)` against 64 µs for `tf.add(y, y)` on the
// H100 (docs/performance.md), and a BERT-base step does thousands. queue.writeBuffer (4 µs) is
// ordered the same way: it runs before the next submit, after everything submitted earlier, and
// tfjs only returns a buffer to its pool once the commands that use it have been submitted.
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { isRecording } from '../capture/gpu-hooks.js';

interface TensorData { dtype: string; shape: number[]; values: ArrayLike<number> | null; resource: unknown }
interface BackendInternals {
  tensorMap: { get(id: object): TensorData };
  bufferManager: { acquireBuffer(size: number, usage: number, mapped?: boolean, reuse?: boolean): GPUBuffer };
  queue: GPUQueue;
  uploadToGPU(dataId: object): void;
}

const PATCHED = Symbol.for('wid.webgpuWriteBufferUpload');

export function installWriteBufferUploads(backend: WebGPUBackend): boolean {
  const proto = Object.getPrototypeOf(backend) as BackendInternals & { [PATCHED]?: boolean };
  if (proto[PATCHED]) return false;
  const original = proto.uploadToGPU;
  proto.uploadToGPU = function (this: BackendInternals, dataId: object): void {
    const data = this.tensorMap.get(dataId);
    if (data.resource != null || data.values == null || !['float32', 'int32', 'bool'].includes(data.dtype)) {
      original.call(this, dataId);
      return;
    }
    const count = data.shape.reduce((a, b) => a * b, 1);
    const src = data.dtype === 'float32'
      ? (data.values instanceof Float32Array ? data.values : Float32Array.from(data.values))
      : (data.values instanceof Int32Array ? data.values : Int32Array.from(data.values)); // bool is i32 on the GPU
    const size = 4 * count;
    // while a step is recorded, a fresh buffer: a pooled one may already hold a value the step computed earlier,
    // and a replay cannot re-run this host write at its place in the step
    const buffer = this.bufferManager.acquireBuffer(size, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, false, !isRecording());
    this.queue.writeBuffer(buffer, 0, src.buffer, src.byteOffset, size);
    data.values = null; // like tfjs: once uploaded, the GPU copy is the only one
    data.resource = buffer;
  };
  proto[PATCHED] = true;
  return true;
}
