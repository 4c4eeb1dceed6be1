// Where the GPU bytes of one training step go on webgpu: tfjs' buffer pool observed while the step runs. The pool
// only grows during a step (it reuses a free buffer of exactly the size asked for, else creates one), so its size at
// the end is the step's peak (the figure gpu-compare reports). It is split at the moment the live buffers peak: every
// byte live then is put in one category: the weights, AdamW's moments, other tensors from before the step, the tensors the tape saved for the
// backward pass, parameter gradients, activation gradients and other backward temporaries, forward and optimiser
// temporaries, [tokens × vocab] tensors (logits and their gradient) apart, buffers no tensor holds (uniforms,
// captured templates) and the pool's free buffers (exact-size reuse keeps them for a later tensor of the same size).
import * as tf from '@tensorflow/tfjs';
import { activeWebgpu, type WebgpuInternals } from '../../src-main/engine/capture/webgpu-internals.js';
import { observeBackprop } from '../../src-main/engine/autodiff/variable-grads.js';

export const CATEGORIES = [
  'weights', 'adamw m+v', 'other tensors from before the step',
  'saved for backward', 'saved for backward [tokens x vocab]',
  'parameter gradients', 'activation gradients + backward temporaries', 'backward temporaries [tokens x vocab]',
  'forward temporaries', 'forward temporaries [tokens x vocab]', 'optimizer temporaries',
  'buffers no tensor holds (uniforms, freed awaiting submit, templates)', 'pool free buffers (exact-size reuse)',
] as const;
export type Category = (typeof CATEGORIES)[number];

export interface MemorySnapshot {
  /** tfjs' pool at its high-water mark: bytes of every buffer it holds (used + free): the peak gpu-compare reports. */
  allocated: number;
  /** Bytes of live buffers at their own peak (when the categories are taken). */
  used: number;
  byCategory: Record<Category, number>;
  /** The largest tensors alive at that moment: category, shape, bytes. */
  largest: { category: Category; shape: number[]; bytes: number; count: number }[];
}

export interface StepTrace {
  /** At the pool's high-water mark during `run`. */
  peak: MemorySnapshot;
  /** The highest `used` (bytes held by live buffers) during `run`: what an allocator without idle buffers would need. */
  peakUsed: number;
  /** The pool after `run`. */
  after: { allocated: number; used: number };
  /** Buffers the pool created during `run`. */
  created: number;
}

type Phase = 'forward' | 'backward' | 'after';
interface Live { phase: Phase; shape: number[] }

interface EngineInternals {
  state: { activeTape: unknown[] | null; gradientDepth: number; registeredVariables: Record<string, tf.Variable>; tensorInfo: WeakMap<object, unknown> };
  trackTensor(a: tf.Tensor, backend: unknown): void;
  removeDataId(dataId: object, backend: unknown): void;
}

/**
 * Runs `run` (one training step) on webgpu and reports its peak by category. `weights`: the model's variables;
 * every other registered variable counts as optimiser state. `run` returns the parameter gradients before the
 * optimiser consumes them (so they can be told apart) through `noteGrads`. `tokens` x `vocab` marks the logits.
 */
export function traceStep(run: (noteGrads: (g: tf.NamedTensorMap) => void) => void, weights: tf.Variable[], tokens: number, vocab: number): StepTrace {
  const be = activeWebgpu();
  if (!be) throw new Error(`memory trace needs the webgpu backend, got ${tf.getBackend()}`);
  const engine = tf.engine() as unknown as EngineInternals;
  const m = be.bufferManager as WebgpuInternals['bufferManager'] & { numBytesAllocated: number };
  const weightIds = new Set<object>(weights.map((w) => w.dataId));
  const optimizerIds = new Set<object>(Object.values(engine.state.registeredVariables).filter((v) => !weightIds.has(v.dataId)).map((v) => v.dataId));
  const live = new Map<object, Live>();
  const saved = new Set<object>();
  const gradIds = new Set<object>();
  // data alive before the step: the weights, the moments, anything else (inputs, masks)
  const preBytes = { weights: sumBytes(be, weightIds), optimizer: sumBytes(be, optimizerIds) };
  const usedAtStart = m.numBytesUsed;
  let best: { allocated: number; used: number; items: [object, number, Live][] } | null = null;
  let peakUsed = m.numBytesUsed;
  let highWater = m.numBytesAllocated;
  let created = 0;

  const phase = (): Phase => engine.state.activeTape ? (engine.state.gradientDepth > 0 ? 'forward' : 'backward') : 'after';
  const snapshot = () => {
    const items: [object, number, Live][] = [];
    for (const [id, info] of live) {
      if (!be.tensorMap.has(id)) continue;
      const r = be.tensorMap.get(id).resource;
      if (r instanceof GPUBuffer) items.push([id, r.size, info]);
    }
    best = { allocated: m.numBytesAllocated, used: m.numBytesUsed, items };
  };
  const ownTrack = Object.prototype.hasOwnProperty.call(engine, 'trackTensor');
  const ownRemove = Object.prototype.hasOwnProperty.call(engine, 'removeDataId');
  const ownAcquire = Object.prototype.hasOwnProperty.call(m, 'acquireBuffer');
  const track = engine.trackTensor, remove = engine.removeDataId, acquire = m.acquireBuffer;
  engine.trackTensor = function (a, backend) {
    // new data only: a new tensor object on data from before the step (a reshape of an input) stays out
    if (!engine.state.tensorInfo.has(a.dataId)) live.set(a.dataId, { phase: phase(), shape: a.shape.slice() });
    return track.call(engine, a, backend);
  };
  engine.removeDataId = function (dataId, backend) {
    live.delete(dataId);
    return remove.call(engine, dataId, backend);
  };
  m.acquireBuffer = function (size, usage, mapped, reuse) {
    const allocatedBefore = m.numBytesAllocated;
    const b = acquire.call(m, size, usage, mapped, reuse);
    if (m.numBytesAllocated > allocatedBefore) created++;
    peakUsed = Math.max(peakUsed, m.numBytesUsed);
    // the live buffers' peak: snapshot just after the buffer that raised it (the tensor it is for follows)
    if (m.numBytesUsed > (best?.used ?? 0)) snapshot();
    highWater = Math.max(highWater, m.numBytesAllocated);
    return b;
  };
  observeBackprop({
    forwardDone(tape) {
      for (const node of tape) for (const s of node.saved ?? []) saved.add(s.dataId);
    },
  });
  try {
    run((g) => { for (const t of Object.values(g)) if (t) gradIds.add(t.dataId); });
  } finally {
    observeBackprop(null);
    if (ownTrack) engine.trackTensor = track; else delete (engine as Partial<EngineInternals>).trackTensor;
    if (ownRemove) engine.removeDataId = remove; else delete (engine as Partial<EngineInternals>).removeDataId;
    if (ownAcquire) m.acquireBuffer = acquire; else delete (m as Partial<typeof m>).acquireBuffer;
  }
  const isLogits = (shape: number[]) => shape.length >= 2 && shape[shape.length - 1] === vocab && shape.slice(0, -1).reduce((a, b) => a * b, 1) === tokens;
  const classify = (id: object, info: Live): Category => {
    if (gradIds.has(id)) return 'parameter gradients';
    if (saved.has(id)) return isLogits(info.shape) ? 'saved for backward [tokens x vocab]' : 'saved for backward';
    if (info.phase === 'forward') return isLogits(info.shape) ? 'forward temporaries [tokens x vocab]' : 'forward temporaries';
    if (info.phase === 'backward') return isLogits(info.shape) ? 'backward temporaries [tokens x vocab]' : 'activation gradients + backward temporaries';
    return 'optimizer temporaries';
  };
  const b = best as { allocated: number; used: number; items: [object, number, Live][] } | null;
  const byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  const groups = new Map<string, { category: Category; shape: number[]; bytes: number; count: number }>();
  let stepTensorBytes = 0;
  for (const [id, bytes, info] of b?.items ?? []) {
    const c = classify(id, info);
    byCategory[c] += bytes;
    stepTensorBytes += bytes;
    const key = `${c}|${info.shape}`;
    const g = groups.get(key) ?? { category: c, shape: info.shape, bytes: 0, count: 0 };
    g.bytes += bytes; g.count++;
    groups.set(key, g);
  }
  const allocated = highWater, used = b?.used ?? m.numBytesUsed;
  byCategory.weights = preBytes.weights;
  byCategory['adamw m+v'] = preBytes.optimizer;
  const otherBefore = Math.max(0, usedAtStart - preBytes.weights - preBytes.optimizer);
  byCategory['other tensors from before the step'] = otherBefore;
  byCategory['buffers no tensor holds (uniforms, freed awaiting submit, templates)'] = Math.max(0, used - usedAtStart - stepTensorBytes);
  byCategory['pool free buffers (exact-size reuse)'] = allocated - used;
  const largest = [...groups.values()].sort((x, y) => y.bytes - x.bytes).slice(0, 12);
  return { peak: { allocated, used, byCategory, largest }, peakUsed, after: { allocated: m.numBytesAllocated, used: m.numBytesUsed }, created };
}

function sumBytes(be: WebgpuInternals, ids: Set<object>): number {
  let n = 0;
  for (const id of ids) {
    if (!be.tensorMap.has(id)) continue;
    const r = be.tensorMap.get(id).resource;
    if (r instanceof GPUBuffer) n += r.size;
  }
  return n;
}
