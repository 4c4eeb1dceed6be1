// `npm run bench -- gpu-matmul-probe`: GPU time of every matmul shape of a BERT training step (b32 s128:
// forward x·Wᵀ, dX = dY·W, dW = dYᵀ·X for each Linear, the MLM decoder over 30522 tokens, the batched
// attention products and their gradients) for tfjs' own kernel and each tile variant of
// src-main/engine/kernels/webgpu-matmul.ts; each variant's result is checked against tfjs' on the same
// inputs. GPU time = tf.time's kernelMs (timestamp queries), median of --reps. Prints the fastest
// correct variant per shape and the matmul time per training step (shape time x count) for tfjs and
// for the per-shape best; returns that choice table for setMatMulTable.
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { selectBackend } from '../src-main/engine/backend/index.js';
import {
  DEFAULT_MATMUL_TABLE, PROBE_VARIANTS, defaultVariant, setMatMulTable, parseVariant, problemKey, sharedBytesOf, threadsOf, withMatMulVariant,
} from '../src-main/engine/kernels/webgpu-matmul.js';
import { benchConfig } from './lib/sizes.js';
import { gpuMs } from './lib/gpu-time.js';

export interface MatMulShape { label: string; batch: number; m: number; n: number; k: number; transA: boolean; transB: boolean; count: number }

/** The matmuls of one MLM training step of a bench size (bench/lib/train-step-model.ts), with how often each runs. */
export function stepMatMuls(size: string, batch = 32, seq = 128, vocab = 30522): MatMulShape[] {
  const c = benchConfig(size);
  const [H, L, heads, I] = [c.hiddenSize, c.numHiddenLayers, c.numAttentionHeads, c.intermediateSize];
  const T = batch * seq, d = H / heads, bh = batch * heads;
  const out: MatMulShape[] = [];
  const lin = (name: string, inDim: number, outDim: number, count: number) => {
    out.push({ label: `${size} ${name} fwd`, batch: 1, m: T, n: outDim, k: inDim, transA: false, transB: true, count });
    out.push({ label: `${size} ${name} dX`, batch: 1, m: T, n: inDim, k: outDim, transA: false, transB: false, count });
    out.push({ label: `${size} ${name} dW`, batch: 1, m: outDim, n: inDim, k: T, transA: true, transB: false, count });
  };
  lin('qkvo+transform', H, H, 4 * L + 1);
  lin('ffn1', H, I, L);
  lin('ffn2', I, H, L);
  lin('decoder', H, vocab, 1);
  out.push({ label: `${size} attn q·kᵀ, dP`, batch: bh, m: seq, n: seq, k: d, transA: false, transB: true, count: 2 * L });
  out.push({ label: `${size} attn P·V, dQ`, batch: bh, m: seq, n: d, k: seq, transA: false, transB: false, count: 2 * L });
  out.push({ label: `${size} attn dK, dV`, batch: bh, m: seq, n: d, k: seq, transA: true, transB: false, count: 2 * L });
  return out;
}

/**
 * The matmuls WID adds to a step of a bench-size teacher (methods/wid/effective-weights.ts and their gradients):
 * per compacted Linear [o, i] the effective weight R·W·Cᵀ (R·W, then ·Cᵀ), its bias R·b, and the backward
 * products G·C, Gᵀ·(R·W), (G·C)·Wᵀ, Rᵀ·(G·C) (the teacher weight trains at the authors' lr 1e-6); the residual
 * compactor on the word-embedding table E·eᵀ, G·e and Gᵀ·E. Batch-independent: they form weights, not activations.
 */
export function widStepMatMuls(size: string, vocab = 30522, batched = false): MatMulShape[] {
  const c = benchConfig(size);
  const [H, L, I] = [c.hiddenSize, c.numHiddenLayers, c.intermediateSize];
  const out: MatMulShape[] = [];
  const mm = (label: string, m: number, n: number, k: number, transA: boolean, transB: boolean, count: number, batch = 1) =>
    out.push({ label: `wid-${size}${batch > 1 ? '-batched' : ''} ${label}`, batch, m, n, k, transA, transB, count });
  const lin = (name: string, o: number, i: number, count: number) => {
    if (batched) {
      // methods/wid/compact-products.ts: the `count` maps of this shape stacked, C used as stored (no transpose)
      mm(`${name} R·W`, o, i, o, false, false, 1, count);
      mm(`${name} (RW)·C`, o, i, i, false, false, 1, count);
      mm(`${name} R·b`, o, 1, o, false, false, 1, count);
      mm(`${name} G·Cᵀ`, o, i, i, false, true, 1, count);
      mm(`${name} dC`, i, i, o, true, false, 1, count);
      mm(`${name} dR`, o, o, i, false, true, 1, count);
      mm(`${name} dW`, o, i, o, true, false, 1, count);
      return;
    }
    mm(`${name} R·W`, o, i, o, false, false, count);
    mm(`${name} (RW)·Cᵀ`, o, i, i, false, true, count);
    mm(`${name} R·b`, o, 1, o, false, false, count);
    mm(`${name} G·C`, o, i, i, false, false, count);
    mm(`${name} dC`, i, i, o, true, false, count);
    mm(`${name} dR`, o, o, i, false, true, count);
    mm(`${name} dW`, o, i, o, true, false, count);
  };
  lin('qkvo+transform', H, H, 4 * L + 1);
  lin('ffn1', I, H, L);
  lin('ffn2', H, I, L);
  if (batched) return out; // the word-table products are the same either way
  mm('E·eᵀ', vocab, H, H, false, true, 1);
  mm('G·e', vocab, H, H, false, false, 1);
  mm('de = Gᵀ·E', H, H, vocab, true, false, 1);
  return out;
}

export interface ShapeResult {
  shape: MatMulShape; key: string; tfjsMs: number; best: string; bestMs: number;
  variants: { variant: string; ms: number | null; firstMs: number; relErr: number | null; error?: string }[];
}

/** Keeps the GPU busy for about `seconds` (large matmuls) so that its clocks are up before timing. */
export async function warmGpu(seconds: number): Promise<void> {
  if (!(seconds > 0)) return;
  const a = tf.tidy(() => tf.randomNormal([4096, 4096]).add(0)), t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    const r = tf.tidy(() => { let x = a; for (let i = 0; i < 8; i++) x = withMatMulVariant('tfjs', () => tf.matMul(x, a)).mul(1e-3); return x; });
    await r.data();
    r.dispose();
  }
  a.dispose();
}

/**
 * JS cost of the split-K sum dispatch, added to a split variant's GPU time when choosing: one more
 * program per call cost ~30 us of JS on the null backend here (128x128 tiles 48.6 us/call, with -s4
 * 80.9 us), and the step is JS-bound on the H200 host (docs/performance.md).
 */
export const SPLIT_PENALTY_MS = 0.03;

/** Variants worth trying for a shape: all 2-D tile shapes, plus split-K when the output is small and K long. */
export function candidates(s: MatMulShape, limits: { storage: number; invocations: number }, quick: boolean): string[] {
  let list = [...PROBE_VARIANTS];
  if (quick) list = ['128x128x16-8x8', '128x128x16-8x8-db', '128x128x8-8x8-db', '128x64x16-8x8', '64x64x16-4x4'];
  const tiles = s.batch * Math.ceil(s.m / 128) * Math.ceil(s.n / 128);
  if (s.batch === 1 && s.k >= 1024 && tiles < 512) {
    for (const sp of [2, 4, 8]) list.push(`128x128x16-8x8-s${sp}`, `128x128x8-8x8-db-s${sp}`);
    list.push('128x64x16-8x8-s2', '128x64x16-8x8-s4');
  }
  // small outputs (WID's compactor products, e.g. 512 x 512): too few 64x64 tiles to fill the GPU without split K
  if (s.batch === 1 && s.k >= 256 && s.batch * Math.ceil(s.m / 64) * Math.ceil(s.n / 64) < 256) {
    for (const sp of [2, 4, 8]) if (s.k / sp >= 64) list.push(`64x64x16-4x4-s${sp}`, `128x64x16-8x8-s${sp}`);
  }
  list.push(defaultVariant(s));
  return [...new Set(list)].filter((v) => { const t = parseVariant(v); return sharedBytesOf(t) <= limits.storage && threadsOf(t) <= limits.invocations; });
}

export async function probeMatMuls(shapes: MatMulShape[], opts: { reps: number; inner?: number; only?: Record<string, string[]>; quickFor?: (s: MatMulShape) => boolean; deadlineS?: number; t0?: number }): Promise<ShapeResult[]> {
  const be = tf.backend() as unknown as { device?: { limits?: { maxComputeWorkgroupStorageSize: number; maxComputeInvocationsPerWorkgroup: number } } };
  const limits = { storage: be.device?.limits?.maxComputeWorkgroupStorageSize ?? 16384, invocations: be.device?.limits?.maxComputeInvocationsPerWorkgroup ?? 256 };
  console.log(`matmul probe: workgroup storage ${limits.storage} B, ${limits.invocations} invocations`);
  const results: ShapeResult[] = [];
  const T0 = opts.t0 ?? performance.now();
  for (const s of shapes) {
    if (opts.deadlineS && (performance.now() - T0) / 1000 > opts.deadlineS) { console.log(`matmul probe: deadline reached, ${s.label} and later shapes not probed`); break; }
    const a = tf.tidy(() => tf.randomNormal(s.transA ? [s.batch, s.k, s.m] : [s.batch, s.m, s.k]).add(0)) as tf.Tensor3D;
    const b = tf.tidy(() => tf.randomNormal(s.transB ? [s.batch, s.n, s.k] : [s.batch, s.k, s.n]).add(0)) as tf.Tensor3D;
    const a2 = s.batch === 1 ? a.reshape(a.shape.slice(1)) as tf.Tensor2D : a;
    const b2 = s.batch === 1 ? b.reshape(b.shape.slice(1)) as tf.Tensor2D : b;
    const run = (v: string) => withMatMulVariant(v, () => tf.matMul(a2, b2, s.transA, s.transB));
    const ref = run('tfjs');
    const refMax = (await tf.max(tf.abs(ref)).data())[0];
    const tfjs = await gpuMs(() => run('tfjs'), opts.reps, opts.inner ?? 1);
    const flops = 2 * s.batch * s.m * s.n * s.k;
    const tf_ = (ms: number) => (flops / ms / 1e9).toFixed(1);
    console.log(`${s.label.padEnd(30)} ${problemKey(s).padEnd(22)} x${String(s.count).padEnd(3)} tfjs ${tfjs.ms.toFixed(3).padStart(8)} ms ${tf_(tfjs.ms).padStart(5)} TFLOP/s`);
    const variants: ShapeResult['variants'] = [];
    let best = 'tfjs', bestMs = tfjs.ms, bestCost = tfjs.ms;
    for (const v of opts.only?.[problemKey(s)] ?? candidates(s, limits, opts.quickFor?.(s) ?? false)) {
      if (v === 'tfjs') continue;
      try {
        const got = run(v);
        const diff = (await tf.tidy(() => tf.max(tf.abs(tf.sub(got, ref)))).data())[0];
        got.dispose();
        const relErr = diff / Math.max(refMax, 1e-30);
        const t = await gpuMs(() => run(v), opts.reps, opts.inner ?? 1);
        const ok = relErr <= 1e-4;
        variants.push({ variant: v, ms: t.ms, firstMs: t.firstMs, relErr, ...(ok ? {} : { error: 'mismatch' }) });
        const cost = t.ms + (/-s\d+$/.test(v) ? SPLIT_PENALTY_MS : 0);
        if (ok && cost < bestCost) { best = v; bestMs = t.ms; bestCost = cost; }
        console.log(`    ${v.padEnd(24)} ${t.ms.toFixed(3).padStart(8)} ms ${tf_(t.ms).padStart(5)} TFLOP/s  rel err ${relErr.toExponential(1)}${ok ? '' : ' MISMATCH'}  (first ${t.firstMs.toFixed(0)} ms)`);
      } catch (e) {
        variants.push({ variant: v, ms: null, firstMs: 0, relErr: null, error: (e as Error).message.split('\n')[0] });
        console.log(`    ${v.padEnd(24)} FAILED ${(e as Error).message.split('\n')[0]}`);
      }
    }
    console.log(`    best ${best} ${bestMs.toFixed(3)} ms (${tf_(bestMs)} TFLOP/s, ${(tfjs.ms / bestMs).toFixed(2)}x tfjs)`);
    results.push({ shape: s, key: problemKey(s), tfjsMs: tfjs.ms, best, bestMs, variants });
    tf.dispose([a, b, a2, b2, ref]);
  }
  const bySize = new Map<string, { tfjs: number; best: number; flop: number }>();
  for (const r of results) {
    const size = r.shape.label.split(' ')[0];
    const e = bySize.get(size) ?? { tfjs: 0, best: 0, flop: 0 };
    e.tfjs += r.tfjsMs * r.shape.count; e.best += r.bestMs * r.shape.count;
    e.flop += 2 * r.shape.batch * r.shape.m * r.shape.n * r.shape.k * r.shape.count;
    bySize.set(size, e);
  }
  for (const [size, e] of bySize) {
    console.log(`matmul GPU ms per ${size} step (probed shapes x count): tfjs ${e.tfjs.toFixed(1)} (${(e.flop / e.tfjs / 1e9).toFixed(1)} TFLOP/s), `
      + `per-shape best ${e.best.toFixed(1)} (${(e.flop / e.best / 1e9).toFixed(1)} TFLOP/s)`);
  }
  return results;
}

export const tableOf = (results: ShapeResult[]) => Object.fromEntries(results.map((r) => [r.key, r.best]));

export async function main(argv: string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({
    args: argv,
    options: {
      sizes: { type: 'string', default: 'base,small' },
      'wid-sizes': { type: 'string', default: '' }, // teacher sizes whose WID compactor matmuls are probed too
      'wid-batched': { type: 'boolean', default: false }, // and their batched form (WID_BATCHED_COMPACTORS=on)
      reps: { type: 'string', default: '5' },
      inner: { type: 'string', default: '10' },
      warm: { type: 'string', default: '1' }, // seconds of large matmuls before timing (0 = none)
      batch: { type: 'string', default: '32' },
      seq: { type: 'string', default: '128' },
      vocab: { type: 'string', default: '30522' },
      quick: { type: 'string', default: '4L-256H' }, // sizes probed with the short variant list
      budget: { type: 'string' }, // seconds of probing before the remaining shapes are skipped
      apply: { type: 'boolean', default: false }, // use the per-shape best for the rest of this process
    },
  });
  const backend = await selectBackend('webgpu');
  console.log(`gpu-matmul-probe: ${backend.device}`);
  const quick = new Set(values.quick!.split(','));
  const shapes = [
    ...values.sizes!.split(',').filter(Boolean).flatMap((s) => stepMatMuls(s, Number(values.batch), Number(values.seq), Number(values.vocab))),
    ...values['wid-sizes']!.split(',').filter(Boolean).flatMap((s) => widStepMatMuls(s, Number(values.vocab))),
    ...(values['wid-batched'] ? values['wid-sizes']!.split(',').filter(Boolean).flatMap((s) => widStepMatMuls(s, Number(values.vocab), true)) : []),
  ];
  await warmGpu(Number(values.warm));
  // most GPU time first (FLOPs x count), so a --budget cut leaves out the cheap shapes
  shapes.sort((x, y) => y.count * y.batch * y.m * y.n * y.k - x.count * x.batch * x.m * x.n * x.k);
  const results = await probeMatMuls(shapes, { reps: Number(values.reps), inner: Number(values.inner), quickFor: (s) => quick.has(s.label.split(' ')[0]),
    ...(values.budget ? { deadlineS: Number(values.budget) } : {}) });
  const table = { ...DEFAULT_MATMUL_TABLE, ...tableOf(results) };
  if (values.apply) { setMatMulTable(table); console.log(`matmul table applied for this process (${results.length} probed shapes)`); }
  return { backend, results, table, applied: values.apply };
}
