// A training step recorded once and replayed (as CUDA graphs serve PyTorch): the step runs eagerly while its
// dispatches are recorded (gpu-hooks.ts); when two consecutive recordings of the same step key agree
// (recording.ts' signature: same kernels, grids, constants and outside tensors), the second becomes the
// template. Later steps of that key copy their inputs into the template's input buffers and re-encode the
// recorded dispatches: no tfjs op, no tape, no new bind group. Parameters must be updated in place (AdamW's
// webgpu kernel does); anything a recording cannot replay (a CPU read, a texture, a tensor made before the step
// freed inside it, timestamp queries) keeps the eager path, and `status()` says why.
//
// Everything that changes from step to step must be an input (batch, learning rate, Adam's bias corrections,
// dropout seed): a value baked into a uniform or a constant would make the two recordings differ, so the step
// would simply stay eager. One template per key (input shapes + the caller's structural key); a template whose
// outside tensors changed (a variable re-assigned, a WID mask event's new index tensors) is dropped and the
// step recorded again.
import * as tf from '@tensorflow/tfjs';
import { rawPassMethods, record } from './gpu-hooks.js';
import type { Command, Recording } from './recording.js';
import { activeWebgpu, bufferOf, dropCpuCopy, flushTfjs, type WebgpuInternals } from './webgpu-internals.js';

export type StepInputs = Record<string, tf.Tensor>;
export type StepOutputs = Record<string, tf.Tensor>;
export type CaptureMode = 'auto' | 'off';

export interface CaptureStatus {
  /** 'replay' once any step of this run was replayed; 'eager' otherwise. */
  path: 'replay' | 'eager';
  /** Why steps run eagerly (backend, setting, or what a recording could not replay); null when they replay. */
  reason: string | null;
  eagerSteps: number;
  replayedSteps: number;
  /** Templates made (one per key; again after a template went stale). */
  captures: number;
  /** Dispatches of the newest template. */
  dispatches: number;
}

/** A template's commands grouped for encoding: runs of dispatches share one compute pass. */
type Segment = { kind: 'pass'; dispatches: Extract<Command, { kind: 'dispatch' }>[] } | Exclude<Command, { kind: 'dispatch' }>;

interface Template {
  key: string;
  recording: Recording;
  segments: Segment[];
  inputs: Record<string, tf.Tensor>;
  inputBuffers: Record<string, GPUBuffer>;
  outputs: { name: string; tensor: tf.Tensor; buffer: GPUBuffer }[];
  /** Outside tensors the template reads: their data must still be in these buffers at replay. */
  externals: { dataId: object; buffer: GPUBuffer }[];
  /** Variables whose data the template reads or updates in place: they must still hold that data. */
  variables: { variable: tf.Variable; dataId: object }[];
  /** Data the template updates in place: no other tensor may share it (e.g. a clone kept as the best weights). */
  inPlace: object[];
  lastUse: number;
}

interface KeyState {
  inputs: Record<string, tf.Tensor>;
  previous: { text: string; externals: object[] } | null;
  template: Template | null;
}

const bytesOf = (t: tf.Tensor) => 4 * t.size;

/** The capture mode from env WID_CAPTURE ('off' keeps every step eager; default 'auto'). */
export function captureModeFromEnv(env: NodeJS.ProcessEnv = process.env): CaptureMode {
  const v = env.WID_CAPTURE ?? 'auto';
  if (v !== 'auto' && v !== 'off') throw new Error(`WID_CAPTURE must be "auto" or "off", got ${JSON.stringify(v)}`);
  return v;
}

export class CapturedStep {
  private readonly keys = new Map<string, KeyState>();
  private eager = 0;
  private replayed = 0;
  private captures = 0;
  private uses = 0;
  private reason: string | null = null;
  /** Set when no step can be captured at all (setting, backend). */
  private readonly disabled: string | null;
  private readonly maxTemplates: number;
  private timer: ReplayTimer | null = null;

  /**
   * `fn` is one step: it reads its per-step values only from `inputs` and returns its results (e.g. the loss)
   * as tensors; its other effects are in-place updates of variables. `maxTemplates` bounds the GPU memory
   * kept by templates (the least recently used one is dropped first).
   */
  constructor(readonly name: string, private readonly fn: (inputs: StepInputs) => StepOutputs,
    opts: { mode?: CaptureMode; maxTemplates?: number; timeGpu?: boolean } = {}) {
    const mode = opts.mode ?? captureModeFromEnv();
    this.maxTemplates = opts.maxTemplates ?? 8;
    this.disabled = mode === 'off' ? 'capture turned off (WID_CAPTURE=off)'
      : !activeWebgpu() ? `backend ${tf.getBackend()} (capture needs webgpu)` : null;
    this.reason = this.disabled;
    if (opts.timeGpu && !this.disabled) this.timer = ReplayTimer.create(activeWebgpu()!);
  }

  status(): CaptureStatus {
    const newest = [...this.keys.values()].map((k) => k.template).filter((t): t is Template => !!t).sort((a, b) => b.lastUse - a.lastUse)[0];
    return {
      path: this.replayed > 0 ? 'replay' : 'eager',
      reason: this.replayed > 0 ? null : this.reason ?? (this.eager < 3 ? 'not captured yet (the first steps of a shape run eagerly)' : 'no two recordings agreed'),
      eagerSteps: this.eager, replayedSteps: this.replayed, captures: this.captures,
      dispatches: newest ? newest.recording.commands.length : 0,
    };
  }

  /** GPU memory the templates own (their step buffers, host-written constants kept for replays) and the step inputs. */
  memory(): { templates: number; stepBuffers: number; stepBytes: number; retainedBytes: number; inputBytes: number } {
    let templates = 0, stepBuffers = 0, stepBytes = 0, retainedBytes = 0, inputBytes = 0;
    for (const s of this.keys.values()) {
      for (const t of Object.values(s.inputs)) inputBytes += bytesOf(t);
      const t = s.template;
      if (!t) continue;
      templates++;
      for (const b of t.recording.stepBuffers()) { if (t.recording.retained.has(b)) continue; stepBuffers++; stepBytes += b.size; }
      for (const b of t.recording.retained) retainedBytes += b.size;
    }
    return { templates, stepBuffers, stepBytes, retainedBytes, inputBytes };
  }

  /** GPU milliseconds of the replays so far (timestamp queries; `timeGpu` option), or null. */
  gpuMilliseconds(): Promise<number[]> | null {
    return this.timer ? this.timer.read() : null;
  }

  /**
   * Runs one step on `inputs` (not taken over: the caller still disposes them). `key` names what else decides
   * the step's kernels (e.g. a method phase); input shapes are added to it. Returns tensors the caller owns.
   */
  run(inputs: StepInputs, key = ''): StepOutputs {
    const be = this.disabled ? null : activeWebgpu();
    if (!be) {
      this.eager++;
      return tf.tidy(() => this.fn(inputs));
    }
    const fullKey = `${key}|${Object.entries(inputs).map(([n, t]) => `${n}:${t.dtype}[${t.shape}]`).join(';')}`;
    let state = this.keys.get(fullKey);
    if (state?.template && !this.stillValid(be, state.template)) {
      this.dropTemplate(be, state);
    }
    if (state?.template) return this.replay(be, state.template, inputs);
    if (!state) {
      state = { inputs: ownInputs(be, inputs), previous: null, template: null };
      this.keys.set(fullKey, state);
    }
    return this.recordStep(be, fullKey, state, inputs);
  }

  private recordStep(be: WebgpuInternals, key: string, state: KeyState, inputs: StepInputs): StepOutputs {
    this.eager++;
    flushTfjs(be);
    copyInputs(be, inputs, state.inputs);
    const inputBuffers = new Map<GPUBuffer, string>(Object.entries(state.inputs).map(([n, t]) => [bufferOf(be, t), n]));
    const { result: outputs, recording } = withSubmitEachDispatch(() => record(be, () => tf.tidy(() => this.fn(state.inputs))));
    const failure = recording.failure ?? (recording.unknownExternals(inputBuffers) ? 'the step reads a buffer no tensor holds' : null);
    if (failure) {
      recording.releaseRetained();
      this.reason = `not replayable: ${failure}`;
      state.previous = null;
      return outputs;
    }
    const sig = recording.signature(inputBuffers);
    const agrees = state.previous !== null && state.previous.text === sig.text
      && state.previous.externals.length === sig.externals.length && state.previous.externals.every((d, i) => d === sig.externals[i]);
    state.previous = sig;
    if (!agrees) {
      recording.releaseRetained();
      return outputs;
    }
    const template = this.adopt(be, key, recording, state, inputBuffers, outputs);
    if (typeof template === 'string') {
      recording.releaseRetained();
      this.reason = `not replayable: ${template}`;
      state.previous = null;
      return outputs;
    }
    state.template = template;
    this.captures++;
    this.evictBeyondLimit(be);
    // the template owns the step's memory now; what the earlier recordings left in tfjs' pool is spare
    destroyFreeBuffers(be);
    // the caller gets copies: the template keeps the recorded output buffers for its replays
    return this.copyOutputs(be, template, null);
  }

  /** The recording as a template, or why it cannot be one. */
  private adopt(be: WebgpuInternals, key: string, recording: Recording, state: KeyState, inputBuffers: Map<GPUBuffer, string>, outputs: StepOutputs): Template | string {
    const outs = Object.entries(outputs).map(([name, tensor]) => ({ name, tensor, buffer: bufferOf(be, tensor) }));
    const outputBuffers = new Set(outs.map((o) => o.buffer));
    const pooled = new Set(recording.stepBuffers().filter((b) => !recording.retained.has(b) && !outputBuffers.has(b)));
    const reclaimed = reclaimFromPool(be, pooled);
    if (reclaimed.size !== pooled.size) {
      // a buffer neither freed nor returned is held by a tensor that outlives the step: a replay would overwrite it
      for (const b of reclaimed) be.bufferManager.releaseBuffer(b);
      return `the step keeps ${pooled.size - reclaimed.size} tensor(s) it made alive besides its outputs`;
    }
    const externals: Template['externals'] = [];
    for (const b of recording.used) {
      if (recording.acquired.has(b) || inputBuffers.has(b)) continue;
      externals.push({ dataId: recording.externalOwners.get(b)!, buffer: b });
    }
    const externalIds = new Set(externals.map((e) => e.dataId));
    const variables: Template['variables'] = [];
    for (const v of Object.values(tf.engine().state.registeredVariables)) {
      if (externalIds.has(v.dataId)) variables.push({ variable: v, dataId: v.dataId });
    }
    return {
      key, recording, segments: segmentsOf(recording.commands), inputs: state.inputs, inputBuffers: Object.fromEntries([...inputBuffers].map(([b, n]) => [n, b])),
      outputs: outs, externals, variables, inPlace: [...recording.inPlaceWrites], lastUse: ++this.uses,
    };
  }

  private stillValid(be: WebgpuInternals, t: Template): boolean {
    for (const e of t.externals) {
      if (!be.tensorMap.has(e.dataId) || be.tensorMap.get(e.dataId).resource !== e.buffer) return false;
    }
    for (const v of t.variables) if (v.variable.isDisposed || v.variable.dataId !== v.dataId) return false;
    for (const d of t.inPlace) if (be.refCount(d) !== 1) return false;
    return true;
  }

  private replay(be: WebgpuInternals, t: Template, inputs: StepInputs): StepOutputs {
    this.replayed++;
    t.lastUse = ++this.uses;
    flushTfjs(be);
    const encoder = be.device.createCommandEncoder();
    copyInputs(be, inputs, t.inputs, encoder);
    const passes = t.segments.filter((x) => x.kind === 'pass').length;
    let passIndex = 0;
    for (const seg of t.segments) {
      if (seg.kind === 'copy') { encoder.copyBufferToBuffer(seg.src, seg.srcOffset, seg.dst, seg.dstOffset, seg.size); continue; }
      if (seg.kind === 'clear') { encoder.clearBuffer(seg.buffer, seg.offset, seg.size); continue; }
      const pass = encoder.beginComputePass(this.timer ? this.timer.passDescriptor(passIndex === 0, passIndex === passes - 1) : {});
      passIndex++;
      let pipeline: GPUComputePipeline | null = null, group: GPUBindGroup | null = null;
      const { setPipeline, setBindGroup, dispatchWorkgroups } = rawPassMethods();
      for (const d of seg.dispatches) {
        if (d.pipeline !== pipeline) setPipeline.call(pass, (pipeline = d.pipeline));
        if (d.bindGroup !== group) setBindGroup.call(pass, 0, (group = d.bindGroup));
        dispatchWorkgroups.call(pass, d.workgroups[0], d.workgroups[1], d.workgroups[2]);
      }
      pass.end();
    }
    this.timer?.resolve(encoder);
    // the replay updated these in place (parameters, Adam's moments): a CPU copy cached by an earlier read is stale
    for (const d of t.inPlace) dropCpuCopy(be, d);
    return this.copyOutputs(be, t, encoder);
  }

  /** Fresh tensors with the template's output values; submits `encoder` (or a new one). */
  private copyOutputs(be: WebgpuInternals, t: Template, encoder: GPUCommandEncoder | null): StepOutputs {
    const enc = encoder ?? be.device.createCommandEncoder();
    const out: StepOutputs = {};
    for (const o of t.outputs) {
      const info = be.makeTensorInfo(o.tensor.shape, o.tensor.dtype);
      const dst = bufferOf(be, info);
      enc.copyBufferToBuffer(o.buffer, 0, dst, 0, bytesOf(o.tensor));
      out[o.name] = tf.engine().makeTensorFromTensorInfo(info);
    }
    be.queue.submit([enc.finish()]);
    return out;
  }

  private evictBeyondLimit(be: WebgpuInternals): void {
    const live = [...this.keys.values()].filter((s) => s.template);
    live.sort((a, b) => a.template!.lastUse - b.template!.lastUse);
    while (live.length > this.maxTemplates) this.dropTemplate(be, live.shift()!);
  }

  private dropTemplate(be: WebgpuInternals, state: KeyState): void {
    const t = state.template;
    if (!t) return;
    state.template = null;
    state.previous = null;
    flushTfjs(be);
    const outputBuffers = new Set(t.outputs.map((o) => o.buffer));
    for (const b of t.recording.stepBuffers()) if (!outputBuffers.has(b) && !t.recording.retained.has(b)) be.bufferManager.releaseBuffer(b);
    t.recording.releaseRetained();
    for (const o of t.outputs) o.tensor.dispose();
  }

  /** Gives every template's buffers and the input tensors back. */
  dispose(): void {
    const be = activeWebgpu();
    for (const s of this.keys.values()) {
      if (be) this.dropTemplate(be, s);
      tf.dispose(Object.values(s.inputs));
    }
    this.keys.clear();
    this.timer?.dispose();
  }
}

/**
 * Runs `f` (a recording) with tfjs submitting after every dispatch: a tensor freed during the step returns its buffer
 * to the pool at the next submit, so with tfjs' batches of 15 dispatches the step's later tensors could not reuse it
 * and the pool (the step's peak, and the template, which owns every buffer of the recording) grew by what was waiting.
 * Replays are unaffected (they re-encode the dispatches into passes of their own). Env WID_LEAN_RECORD=off (or
 * WID_MEMORY_PLAN=off) keeps tfjs' batches.
 */
function withSubmitEachDispatch<T>(f: () => T, env: NodeJS.ProcessEnv = process.env): T {
  if (env.WID_LEAN_RECORD === 'off' || env.WID_MEMORY_PLAN === 'off') return f();
  const flags = tf.env();
  const before = flags.get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE');
  flags.set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', 1);
  try { return f(); } finally { flags.set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', before); }
}

function segmentsOf(commands: Command[]): Segment[] {
  const out: Segment[] = [];
  for (const c of commands) {
    if (c.kind !== 'dispatch') { out.push(c); continue; }
    const last = out.at(-1);
    if (last?.kind === 'pass') last.dispatches.push(c);
    else out.push({ kind: 'pass', dispatches: [c] });
  }
  return out;
}

/** The step's own input tensors: one GPU buffer each, written before every step. */
function ownInputs(be: WebgpuInternals, like: StepInputs): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const [name, t] of Object.entries(like)) {
    if (!['float32', 'int32', 'bool'].includes(t.dtype)) throw new Error(`captured step input "${name}" has dtype ${t.dtype}; float32, int32 or bool expected`);
    const info = be.makeTensorInfo(t.shape, t.dtype);
    bufferOf(be, info);
    out[name] = tf.engine().makeTensorFromTensorInfo(info);
  }
  return out;
}

/** Writes the caller's inputs into the step's input buffers: CPU values by queue write, GPU tensors by copy. */
function copyInputs(be: WebgpuInternals, from: StepInputs, to: Record<string, tf.Tensor>, encoder?: GPUCommandEncoder): void {
  let enc = encoder;
  for (const [name, src] of Object.entries(from)) {
    const dst = bufferOf(be, to[name]);
    const data = be.tensorMap.get(src.dataId);
    if (data.resource == null && data.values) {
      const v = data.values;
      const arr = src.dtype === 'float32' ? (v instanceof Float32Array ? v : Float32Array.from(v)) : (v instanceof Int32Array ? v : Int32Array.from(v));
      be.queue.writeBuffer(dst, 0, arr.buffer, arr.byteOffset, 4 * src.size);
    } else {
      enc ??= be.device.createCommandEncoder();
      enc.copyBufferToBuffer(bufferOf(be, src), 0, dst, 0, 4 * src.size);
    }
  }
  if (enc && !encoder) be.queue.submit([enc.finish()]);
}

/** Moves buffers the step freed back out of tfjs' pool (the template owns them now); returns those found there. */
function reclaimFromPool(be: WebgpuInternals, buffers: Set<GPUBuffer>): Set<GPUBuffer> {
  const m = be.bufferManager;
  const found = new Set<GPUBuffer>();
  for (const [key, free] of m.freeBuffers) {
    const keep: GPUBuffer[] = [];
    for (const b of free) {
      if (!buffers.has(b)) { keep.push(b); continue; }
      found.add(b);
      m.numFreeBuffers--;
      m.numUsedBuffers++;
      m.numBytesUsed += b.size;
      const used = m.usedBuffers.get(key) ?? [];
      used.push(b);
      m.usedBuffers.set(key, used);
    }
    free.length = 0;
    free.push(...keep);
  }
  return found;
}

/** Destroys the free buffers of tfjs' pool (Dawn frees each once the GPU no longer uses it). */
function destroyFreeBuffers(be: WebgpuInternals): void {
  const m = be.bufferManager as WebgpuInternals['bufferManager'] & { numBytesAllocated: number };
  for (const list of m.freeBuffers.values()) {
    for (const b of list) { m.numBytesAllocated -= b.size; b.destroy(); }
    list.length = 0;
  }
  m.numFreeBuffers = 0;
}

/** GPU time of each replay from timestamp queries at the start of its first pass and the end of its last. */
class ReplayTimer {
  private readonly resolveBuffer: GPUBuffer;
  private pending: GPUBuffer[] = [];
  private constructor(private readonly device: GPUDevice, private readonly querySet: GPUQuerySet) {
    this.resolveBuffer = device.createBuffer({ size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
  }

  static create(be: WebgpuInternals): ReplayTimer | null {
    if (!be.device.features.has('timestamp-query')) return null;
    return new ReplayTimer(be.device, be.device.createQuerySet({ type: 'timestamp', count: 2 }));
  }

  passDescriptor(first: boolean, last: boolean): GPUComputePassDescriptor {
    if (!first && !last) return {};
    return { timestampWrites: { querySet: this.querySet, ...(first ? { beginningOfPassWriteIndex: 0 } : {}), ...(last ? { endOfPassWriteIndex: 1 } : {}) } };
  }

  resolve(encoder: GPUCommandEncoder): void {
    encoder.resolveQuerySet(this.querySet, 0, 2, this.resolveBuffer, 0);
    const staging = this.device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    encoder.copyBufferToBuffer(this.resolveBuffer, 0, staging, 0, 16);
    this.pending.push(staging);
  }

  async read(): Promise<number[]> {
    const all = this.pending;
    this.pending = [];
    const out: number[] = [];
    for (const b of all) {
      await b.mapAsync(GPUMapMode.READ);
      const t = new BigUint64Array(b.getMappedRange());
      out.push(Number(t[1] - t[0]) / 1e6);
      b.unmap();
      b.destroy();
    }
    return out;
  }

  dispose(): void {
    for (const b of this.pending) b.destroy();
    this.pending = [];
    this.resolveBuffer.destroy();
    this.querySet.destroy();
  }
}
