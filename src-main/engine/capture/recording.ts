// What one eagerly executed step did on the GPU, observed at the WebGPU API (gpu-hooks.ts): its dispatches and
// copies in order, the bind groups' buffers, what the host wrote, which buffers tfjs allocated during the step
// and which tensors outside it the step read. A recording that matches the previous one of the same step
// (signature) becomes the template a captured step replays.
import type { WebgpuBufferManager } from './webgpu-internals.js';

export type Command =
  | { kind: 'dispatch'; pipeline: GPUComputePipeline; bindGroup: GPUBindGroup; workgroups: [number, number, number] }
  | { kind: 'copy'; src: GPUBuffer; srcOffset: number; dst: GPUBuffer; dstOffset: number; size: number }
  | { kind: 'clear'; buffer: GPUBuffer; offset: number; size: number | undefined };

export interface BufferRange { buffer: GPUBuffer; offset: number; size: number | undefined }

const pipelineIds = new WeakMap<GPUComputePipeline, number>();
let nextPipelineId = 0;
function pipelineId(p: GPUComputePipeline): number {
  let id = pipelineIds.get(p);
  if (id === undefined) pipelineIds.set(p, (id = nextPipelineId++));
  return id;
}

/** FNV-1a over bytes: host-written contents enter the signature by value. */
function hashBytes(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return `${bytes.length}:${(h >>> 0).toString(16)}`;
}

export class Recording {
  readonly commands: Command[] = [];
  /** Buffers of each bind group created during the step (tfjs makes one per dispatch). */
  readonly bindGroups = new Map<GPUBindGroup, BufferRange[]>();
  /** Buffers tfjs handed out during the step: the step's own memory. */
  readonly acquired = new Set<GPUBuffer>();
  /** Contents the host wrote during the step (uniforms, constants), by buffer. */
  readonly hostWrites = new Map<GPUBuffer, Uint8Array[]>();
  /** Host-written buffers the step released: kept out of tfjs' pool, so their contents survive for a replay. */
  readonly retained = new Set<GPUBuffer>();
  /** Buffers the commands recorded so far read or write. */
  readonly used = new Set<GPUBuffer>();
  /** For buffers from before the step: the tensor data id that held each when the step read it. */
  readonly externalOwners = new Map<GPUBuffer, object>();
  /** Data ids the step updated in place (optimiser state, parameters). */
  readonly inPlaceWrites = new Set<object>();
  failure: string | null = null;

  constructor(readonly manager: WebgpuBufferManager, private readonly release: (b: GPUBuffer, reuse?: boolean) => void) {}

  fail(reason: string): void {
    this.failure ??= reason;
  }

  private use(buffer: GPUBuffer): void {
    this.used.add(buffer);
  }

  addDispatch(pipeline: GPUComputePipeline | null, bindGroup: GPUBindGroup | null, workgroups: [number, number, number]): void {
    if (!pipeline || !bindGroup) return this.fail('a dispatch without a pipeline or bind group');
    const ranges = this.bindGroups.get(bindGroup);
    if (!ranges) return this.fail('a dispatch with a bind group made before the step');
    for (const r of ranges) this.use(r.buffer);
    this.commands.push({ kind: 'dispatch', pipeline, bindGroup, workgroups });
  }

  addCopy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, size: number): void {
    if (dst.usage & GPUBufferUsage.MAP_READ) return this.fail('the step reads a tensor back to the CPU');
    if (src.usage & GPUBufferUsage.MAP_WRITE) return this.fail('an upload through a mapped staging buffer');
    this.use(src);
    this.use(dst);
    this.commands.push({ kind: 'copy', src, srcOffset, dst, dstOffset, size });
  }

  addClear(buffer: GPUBuffer, offset: number, size: number | undefined): void {
    this.use(buffer);
    this.commands.push({ kind: 'clear', buffer, offset, size });
  }

  addHostWrite(buffer: GPUBuffer, bytes: Uint8Array): void {
    if (!this.acquired.has(buffer)) return this.fail('the host writes into a buffer made before the step');
    if (this.used.has(buffer)) return this.fail('the host rewrites a buffer the step already used');
    const list = this.hostWrites.get(buffer) ?? [];
    list.push(bytes.slice());
    this.hostWrites.set(buffer, list);
  }

  noteAcquired(buffer: GPUBuffer): void {
    this.acquired.add(buffer);
  }

  /** tfjs returns a buffer to its pool; false = keep it (the hook then skips tfjs' release). */
  mayRelease(buffer: GPUBuffer): boolean {
    if (this.hostWrites.has(buffer)) {
      this.retained.add(buffer);
      return false;
    }
    if (!this.acquired.has(buffer) && this.used.has(buffer)) this.fail('the step frees a tensor made before it (e.g. a variable assigned a new tensor instead of updated in place)');
    return true;
  }

  noteTensorRead(dataId: object, resource: unknown): void {
    if (resource instanceof GPUBuffer && !this.acquired.has(resource) && !this.externalOwners.has(resource)) this.externalOwners.set(resource, dataId);
  }

  /**
   * What the step did, independent of which pooled buffers it happened to get: pipelines, grids, each binding
   * as an outside tensor (by data id), a step input, a host-written constant (by content) or step memory (by size).
   */
  signature(inputs: Map<GPUBuffer, string>): { text: string; externals: object[] } {
    const externals: object[] = [];
    const externalIndex = new Map<object, number>();
    const role = (b: GPUBuffer): string => {
      const input = inputs.get(b);
      if (input) return `I:${input}`;
      const writes = this.hostWrites.get(b);
      if (writes) return `H:${writes.map(hashBytes).join('+')}`;
      if (this.acquired.has(b)) return `T:${b.size}`;
      const owner = this.externalOwners.get(b);
      if (!owner) return 'U';
      let i = externalIndex.get(owner);
      if (i === undefined) { externalIndex.set(owner, (i = externals.length)); externals.push(owner); }
      return `E:${i}`;
    };
    const parts: string[] = [];
    for (const c of this.commands) {
      if (c.kind === 'dispatch') {
        const ranges = this.bindGroups.get(c.bindGroup)!;
        parts.push(`D${pipelineId(c.pipeline)}/${c.workgroups.join('x')}/${ranges.map((r) => `${role(r.buffer)}@${r.offset}:${r.size ?? '*'}`).join(',')}`);
      } else if (c.kind === 'copy') {
        parts.push(`C${role(c.src)}@${c.srcOffset}>${role(c.dst)}@${c.dstOffset}:${c.size}`);
      } else {
        parts.push(`Z${role(c.buffer)}@${c.offset}:${c.size ?? '*'}`);
      }
    }
    return { text: parts.join('\n'), externals };
  }

  /** Buffers of the step's own memory the commands use. */
  stepBuffers(): GPUBuffer[] {
    return [...this.used].filter((b) => this.acquired.has(b));
  }

  /** Outside buffers the commands use that no tensor was seen holding (a replay could not check them). */
  unknownExternals(inputs: Map<GPUBuffer, string>): number {
    return [...this.used].filter((b) => !this.acquired.has(b) && !inputs.has(b) && !this.externalOwners.has(b)).length;
  }

  /** Gives the retained buffers back to tfjs' pool (a recording that is not kept as a template). */
  releaseRetained(): void {
    for (const b of this.retained) this.release(b);
    this.retained.clear();
  }
}
