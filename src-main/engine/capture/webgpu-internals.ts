// The parts of tfjs-backend-webgpu 4.22's WebGPUBackend (backend_webgpu.js) that the workbench's own kernels
// and the step capture use. Not public API: one typed view here instead of one per kernel.
import * as tf from '@tensorflow/tfjs';

export interface TensorData { dtype: string; shape: number[]; values: ArrayLike<number> | null; resource: unknown; refCount: number }

export interface WebgpuBufferManager {
  acquireBuffer(size: number, usage: number, mappedAtCreation?: boolean, reuse?: boolean): GPUBuffer;
  releaseBuffer(buffer: GPUBuffer, reuse?: boolean): void;
  freeBuffers: Map<string, GPUBuffer[]>;
  usedBuffers: Map<string, GPUBuffer[]>;
  numUsedBuffers: number;
  numFreeBuffers: number;
  numBytesUsed: number;
}

export interface WebgpuInternals {
  device: GPUDevice;
  queue: GPUQueue;
  tensorMap: { get(id: object): TensorData; has(id: object): boolean };
  bufferManager: WebgpuBufferManager;
  commandEncoder: GPUCommandEncoder | null;
  computePassEncoder: GPUComputePassEncoder | null;
  dispatchCountInPass: number;
  commandQueueOwnedIds: WeakSet<object> | Set<object>;
  activeTimers: { name: string; query: Promise<number> }[] | null;
  supportTimestampQuery: boolean;
  querySet: GPUQuerySet | null;
  querySetCount: number;
  uploadToGPU(dataId: object): void;
  makeTensorInfo(shape: number[], dtype: string): tf.TensorInfo;
  makeUniforms(u: { type: string; data: number[] }[]): GPUBufferBinding;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  getQueryTime(): Promise<number>;
  refCount(dataId: object): number;
}

/** The active backend's internals when it is webgpu, else null. */
export function activeWebgpu(): WebgpuInternals | null {
  return tf.getBackend() === 'webgpu' ? (tf.backend() as unknown as WebgpuInternals) : null;
}

/** The GPU buffer holding a tensor on webgpu (uploads CPU-resident values first). */
export function bufferOf(be: WebgpuInternals, t: tf.TensorInfo): GPUBuffer {
  be.uploadToGPU(t.dataId);
  const resource = be.tensorMap.get(t.dataId).resource;
  if (!(resource instanceof GPUBuffer)) throw new Error(`tensor [${t.shape}] is not held in a GPU buffer`);
  return resource;
}

/**
 * Forgets the CPU copy tfjs keeps of a tensor once it was read (backend_webgpu.js read/readSync cache it and
 * return it on every later read): after a write on the GPU that tfjs did not make, the buffer is the only truth.
 */
export function dropCpuCopy(be: WebgpuInternals, dataId: object): void {
  if (!be.tensorMap.has(dataId)) return;
  const data = be.tensorMap.get(dataId);
  if (data.resource != null) data.values = null;
}

/** Ends tfjs' open pass and submits what it recorded, so commands issued next run after it. */
export function flushTfjs(be: WebgpuInternals): void {
  be.endComputePassEncoder();
  if (be.commandEncoder) be.submitQueue();
}

/**
 * Records one dispatch of the workbench's own pipeline into tfjs' command stream, as the backend's
 * recordAndSubmit does: its open compute pass, its submit batching, its timestamp queries under tf.profile.
 * `owned` are the tensors the dispatch reads or writes (their buffers go back to the pool only after submit).
 */
export function recordDispatch(be: WebgpuInternals, name: string, pipeline: GPUComputePipeline, bindGroup: GPUBindGroup,
  workgroups: [number, number, number], owned: tf.TensorInfo[]): void {
  for (const t of owned) be.commandQueueOwnedIds.add(t.dataId);
  const timed = be.activeTimers != null;
  be.ensureCommandEncoderReady();
  if (timed && be.supportTimestampQuery) {
    be.endComputePassEncoder();
    if (be.querySet == null) be.querySet = be.device.createQuerySet({ type: 'timestamp', count: be.querySetCount });
    be.computePassEncoder = be.commandEncoder!.beginComputePass({ timestampWrites: { querySet: be.querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } });
  } else if (!be.computePassEncoder) {
    be.computePassEncoder = be.commandEncoder!.beginComputePass({});
  }
  be.computePassEncoder.setPipeline(pipeline);
  be.computePassEncoder.setBindGroup(0, bindGroup);
  be.computePassEncoder.dispatchWorkgroups(...workgroups);
  be.dispatchCountInPass++;
  if (timed || (tf.env().get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE') as number) <= be.dispatchCountInPass) {
    be.endComputePassEncoder();
    if (timed) be.activeTimers!.push({ name, query: be.getQueryTime() });
    else be.submitQueue();
  }
}

/** A 1-D or 2-D grid of `groups` workgroups within the device's per-dimension limit. */
export function gridOf(be: WebgpuInternals, groups: number, maxPerDim = be.device.limits.maxComputeWorkgroupsPerDimension): [number, number, number] {
  const x = Math.min(groups, maxPerDim);
  return [x, Math.ceil(groups / x), 1];
}
