// Observes a step at the WebGPU API while it runs eagerly: every dispatch, copy and host write, whoever issues
// it (tfjs' programs and the workbench's own kernels alike). The prototypes are wrapped once; outside a
// recording each wrapper is one null check. tfjs' buffer pool and tensor map are wrapped on the backend
// instance only for the length of one recording.
import { Recording } from './recording.js';
import { dropCpuCopy, type WebgpuInternals } from './webgpu-internals.js';

let active: Recording | null = null;
let installed = false;

/** True while a step is being recorded (uploads then take fresh buffers: webgpu-upload.ts). */
export const isRecording = (): boolean => active !== null;

/**
 * Kernels that update a tensor in place report it: a replay is valid only while that data has no other holder,
 * and a CPU copy that tfjs cached when the tensor was last read (it returns that copy on every later read) is
 * now stale, so it is dropped.
 */
export function noteInPlaceWrite(be: WebgpuInternals, dataId: object): void {
  dropCpuCopy(be, dataId);
  active?.inPlaceWrites.add(dataId);
}

type Fn = (...args: never[]) => unknown;
function wrap<T extends object>(proto: T, name: string, make: (original: Fn) => Fn): void {
  const original = (proto as Record<string, Fn>)[name];
  if (typeof original !== 'function') return;
  (proto as Record<string, Fn>)[name] = make(original);
}

function bytesOf(data: BufferSource | SharedArrayBuffer, dataOffset = 0, size?: number): Uint8Array {
  if (ArrayBuffer.isView(data)) {
    const per = (data as unknown as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
    const start = data.byteOffset + dataOffset * per;
    const length = size !== undefined ? size * per : data.byteLength - dataOffset * per;
    return new Uint8Array(data.buffer, start, length);
  }
  const buf = data as ArrayBuffer;
  return new Uint8Array(buf, dataOffset, size ?? buf.byteLength - dataOffset);
}

/**
 * The compute pass's own encoding methods, for the replay: it encodes thousands of dispatches a step and is never
 * recorded, so it skips the wrappers (their checks and argument copies).
 */
export interface RawPassMethods {
  setPipeline: (this: GPUComputePassEncoder, p: GPUComputePipeline) => void;
  setBindGroup: (this: GPUComputePassEncoder, index: number, group: GPUBindGroup) => void;
  dispatchWorkgroups: (this: GPUComputePassEncoder, x: number, y?: number, z?: number) => void;
}
let raw: RawPassMethods | null = null;
export function rawPassMethods(): RawPassMethods {
  if (!raw) {
    const p = GPUComputePassEncoder.prototype;
    raw = { setPipeline: p.setPipeline, setBindGroup: p.setBindGroup as RawPassMethods['setBindGroup'], dispatchWorkgroups: p.dispatchWorkgroups };
  }
  return raw;
}

function install(): void {
  if (installed) return;
  installed = true;
  rawPassMethods(); // the originals, before the wrappers replace them
  const passState = new WeakMap<GPUComputePassEncoder, { pipeline: GPUComputePipeline | null; group: GPUBindGroup | null }>();
  const stateOf = (pass: GPUComputePassEncoder) => {
    let s = passState.get(pass);
    if (!s) passState.set(pass, (s = { pipeline: null, group: null }));
    return s;
  };
  wrap(GPUDevice.prototype, 'createBindGroup', (orig) => function (this: GPUDevice, desc: GPUBindGroupDescriptor) {
    const group = (orig as unknown as (d: GPUBindGroupDescriptor) => GPUBindGroup).call(this, desc);
    if (active) {
      const ranges = [];
      for (const e of desc.entries) {
        const r = e.resource as GPUBufferBinding;
        if (!r || !(r.buffer instanceof GPUBuffer)) { active.fail('a bind group with a texture or sampler'); continue; }
        ranges.push({ buffer: r.buffer, offset: r.offset ?? 0, size: r.size });
      }
      active.bindGroups.set(group, ranges);
    }
    return group;
  });
  wrap(GPUDevice.prototype, 'createBuffer', (orig) => function (this: GPUDevice, desc: GPUBufferDescriptor) {
    if (active && desc.mappedAtCreation) active.fail('an upload through a buffer mapped at creation');
    return (orig as unknown as (d: GPUBufferDescriptor) => GPUBuffer).call(this, desc);
  });
  const pass = GPUComputePassEncoder.prototype;
  wrap(pass, 'setPipeline', (orig) => function (this: GPUComputePassEncoder, p: GPUComputePipeline) {
    if (active) stateOf(this).pipeline = p;
    return (orig as unknown as (p: GPUComputePipeline) => void).call(this, p);
  });
  wrap(pass, 'setBindGroup', (orig) => function (this: GPUComputePassEncoder, index: number, group: GPUBindGroup, ...rest: unknown[]) {
    if (active) {
      if (index !== 0) active.fail(`bind group index ${index}`);
      else if (rest.length && (rest[0] as ArrayLike<number>)?.length) active.fail('dynamic bind group offsets');
      stateOf(this).group = group;
    }
    return (orig as unknown as (...a: unknown[]) => void).call(this, index, group, ...rest);
  });
  wrap(pass, 'dispatchWorkgroups', (orig) => function (this: GPUComputePassEncoder, x: number, y = 1, z = 1) {
    if (active) { const s = stateOf(this); active.addDispatch(s.pipeline, s.group, [x, y, z]); }
    return (orig as unknown as (...a: number[]) => void).call(this, x, y, z);
  });
  wrap(pass, 'dispatchWorkgroupsIndirect', (orig) => function (this: GPUComputePassEncoder, ...a: unknown[]) {
    active?.fail('an indirect dispatch');
    return (orig as unknown as (...a: unknown[]) => void).apply(this, a);
  });
  const enc = GPUCommandEncoder.prototype;
  wrap(enc, 'beginComputePass', (orig) => function (this: GPUCommandEncoder, desc?: GPUComputePassDescriptor) {
    if (active && desc?.timestampWrites) active.fail('timestamp queries (tf.profile / tf.time) during the step');
    return (orig as unknown as (d?: GPUComputePassDescriptor) => GPUComputePassEncoder).call(this, desc);
  });
  wrap(enc, 'copyBufferToBuffer', (orig) => function (this: GPUCommandEncoder, src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, size: number) {
    active?.addCopy(src, srcOffset, dst, dstOffset, size);
    return (orig as unknown as (...a: unknown[]) => void).call(this, src, srcOffset, dst, dstOffset, size);
  });
  wrap(enc, 'clearBuffer', (orig) => function (this: GPUCommandEncoder, buffer: GPUBuffer, offset = 0, size?: number) {
    active?.addClear(buffer, offset, size);
    return (orig as unknown as (...a: unknown[]) => void).call(this, buffer, offset, size);
  });
  for (const name of ['beginRenderPass', 'copyBufferToTexture', 'copyTextureToBuffer', 'copyTextureToTexture', 'resolveQuerySet']) {
    wrap(enc, name, (orig) => function (this: GPUCommandEncoder, ...a: unknown[]) {
      active?.fail(`${name} during the step`);
      return (orig as unknown as (...a: unknown[]) => unknown).apply(this, a);
    });
  }
  wrap(GPUQueue.prototype, 'writeBuffer', (orig) => function (this: GPUQueue, buffer: GPUBuffer, offset: number, data: BufferSource, dataOffset?: number, size?: number) {
    if (active) {
      if (offset !== 0) active.fail('a host write at an offset');
      else active.addHostWrite(buffer, bytesOf(data, dataOffset, size));
    }
    return (orig as unknown as (...a: unknown[]) => void).call(this, buffer, offset, data, dataOffset, size);
  });
  wrap(GPUQueue.prototype, 'writeTexture', (orig) => function (this: GPUQueue, ...a: unknown[]) {
    active?.fail('a texture upload');
    return (orig as unknown as (...a: unknown[]) => void).apply(this, a);
  });
  wrap(GPUBuffer.prototype, 'mapAsync', (orig) => function (this: GPUBuffer, ...a: unknown[]) {
    active?.fail('the step reads a buffer back to the CPU');
    return (orig as unknown as (...a: unknown[]) => unknown).apply(this, a);
  });
}

/**
 * Runs `fn` (one eager step) while recording what it does on `be`'s device. tfjs' pending commands are
 * submitted at the end, so every buffer the step freed is back in the pool (or retained) when this returns.
 */
export function record<T>(be: WebgpuInternals, fn: () => T): { result: T; recording: Recording } {
  if (active) throw new Error('a step is already being recorded');
  install();
  const manager = be.bufferManager;
  const tensorMap = be.tensorMap;
  const ownAcquire = Object.prototype.hasOwnProperty.call(manager, 'acquireBuffer');
  const ownRelease = Object.prototype.hasOwnProperty.call(manager, 'releaseBuffer');
  const ownGet = Object.prototype.hasOwnProperty.call(tensorMap, 'get');
  const acquire = manager.acquireBuffer, release = manager.releaseBuffer, get = tensorMap.get;
  const rec = new Recording(manager, (b, reuse) => release.call(manager, b, reuse));
  manager.acquireBuffer = function (size, usage, mapped, reuse) {
    const b = acquire.call(manager, size, usage, mapped, reuse);
    rec.noteAcquired(b);
    return b;
  };
  manager.releaseBuffer = function (buffer, reuse) {
    if (rec.mayRelease(buffer)) release.call(manager, buffer, reuse);
  };
  tensorMap.get = function (dataId: object) {
    const data = get.call(tensorMap, dataId);
    if (data) rec.noteTensorRead(dataId, data.resource);
    return data;
  };
  active = rec;
  try {
    const result = fn();
    be.endComputePassEncoder();
    if (be.commandEncoder) be.submitQueue();
    return { result, recording: rec };
  } catch (err) {
    rec.releaseRetained();
    throw err;
  } finally {
    active = null;
    if (ownAcquire) manager.acquireBuffer = acquire; else delete (manager as Partial<typeof manager>).acquireBuffer;
    if (ownRelease) manager.releaseBuffer = release; else delete (manager as Partial<typeof manager>).releaseBuffer;
    if (ownGet) tensorMap.get = get; else delete (tensorMap as Partial<typeof tensorMap>).get;
  }
}
