// `npm run bench -- gpu-tc-check`: the f16 tensor-core matmul (src-main/engine/kernels/webgpu-matmul-subgroup.ts)
// checked and timed at every matmul shape of the MLM training step (bench sizes, b32 s128: forward, both backward
// products, the batched attention products; gpu-matmul-probe's stepMatMuls) plus odd shapes (17x33x45 in all four
// transpose combinations, a broadcast batch, a single output column).
//
// Correctness, per shape and per tile variant: fresh random inputs (uniform in [-1, 1), a new seed per shape), the
// output (and with split K the partial products) pre-filled with NaN (an element the kernel does not write stays NaN
// and is counted), the result against a float64 CPU reference of the fp32 inputs (every element for small outputs,
// else a sample of rows x columns x batches that always includes the first and last row and column). The bound:
//
//   |c - ĉ| <= 16·sqrt(K)·2^-11·max|a|·max|b|  +  K·2^-22·max|a|·max|b|
//
// First term: rounding a and b to f16 (round to nearest, 11-bit significand) moves each product a_k·b_k by at
// most (2·2^-11 + 2^-22)·|a_k||b_k|; these K errors are independent and zero-mean for random inputs, so by
// Hoeffding's inequality their sum exceeds 16·sqrt(K)·2^-11·max|a|max|b| with probability < 2·exp(-16²/8) ≈ 3e-14
// per element (< 1e-5 over every element of every shape checked here). Second term: the f32 accumulation on the
// tensor cores (each of the K additions may round or truncate by 2^-23 of a partial sum, these stay far below
// max|a|max|b|·sqrt(K)); at these K it is < 2 % of the first term. A kernel that loses one k-tile, reads a wrong
// row or leaves a fragment unwritten misses by orders of magnitude more (or leaves NaN).
//
// Speed, per shape: GPU time (timestamp queries, tf.time's kernelMs) of the fp32 kernel (the registered path with
// precision fp32: its measured table) and of each tensor-core variant; TFLOP/s, the fastest correct variant,
// matmul ms per training step (shape time x count) for both. --apply puts the fastest correct variants into the
// tensor-core table for the rest of this process (gpu-entry runs gpu-compare after it); the record's `table` is
// what to commit as DEFAULT_TC_TABLE.
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { selectBackend } from '../src-main/engine/backend/index.js';
import { setMatmulPrecision, tensorCoresAvailable } from '../src-main/engine/kernels/matmul-precision.js';
import { enableTensorCores, measureSubgroupSize, tensorCoreState, tensorCoresUnavailableReason } from '../src-main/engine/kernels/webgpu-tensor-cores.js';
import {
  compileTcPipeline, defaultTcVariant, runTcMatMul, setTcMatMulTable, tcPlanFor, tcProblemKey, tensorCoreCompileCheck, withTensorCoreMatMul,
  DEFAULT_TC_TABLE, TC_PROBE_VARIANTS, type TcProblem,
} from '../src-main/engine/kernels/webgpu-matmul-subgroup.js';
import { activeWebgpu } from '../src-main/engine/capture/webgpu-internals.js';
import { stepMatMuls, warmGpu, SPLIT_PENALTY_MS, type MatMulShape } from './gpu-matmul-probe.js';
import { list, positiveInt } from './lib/args.js';
import { gpuMs } from './lib/gpu-time.js';

export const errorBound = (k: number, maxA: number, maxB: number) => (16 * Math.sqrt(k) * 2 ** -11 + k * 2 ** -22) * maxA * maxB;

/** Shapes besides the step's: nothing a multiple of 4 or 16, every transpose, a broadcast batch, one output column. */
export function oddShapes(): (MatMulShape & { broadcastB?: boolean })[] {
  const out: (MatMulShape & { broadcastB?: boolean })[] = [];
  for (const [ta, tb] of [[false, false], [false, true], [true, false], [true, true]] as const) {
    out.push({ label: `odd 17x33x45 ${ta ? 'T' : 'N'}${tb ? 'T' : 'N'}`, batch: 1, m: 17, n: 33, k: 45, transA: ta, transB: tb, count: 0 });
  }
  out.push({ label: 'odd batch 3 (B broadcast) 17x33x45', batch: 3, m: 17, n: 33, k: 45, transA: false, transB: false, count: 0, broadcastB: true });
  out.push({ label: 'odd batch 5 20x12x36 TN', batch: 5, m: 20, n: 12, k: 36, transA: true, transB: false, count: 0 });
  out.push({ label: 'odd one column 64x1x64', batch: 1, m: 64, n: 1, k: 64, transA: false, transB: false, count: 0 });
  out.push({ label: 'odd long K 40x24x5000 TN (split)', batch: 1, m: 40, n: 24, k: 5000, transA: true, transB: false, count: 0 });
  return out;
}

/** The tensor-core variants tried on a shape: the probe list, split variants for small outputs with a long K, the default. */
export function tcCandidates(s: TcProblem, quick: boolean): string[] {
  let list = quick ? ['64x64x32-2x2', '64x64x32-2x2-db', '128x128x32-4x2', '128x64x32-2x2'] : [...TC_PROBE_VARIANTS];
  const tiles = s.batch * Math.ceil(s.m / 64) * Math.ceil(s.n / 64);
  if (s.batch === 1 && s.k >= 1024 && tiles < 1024) {
    for (const sp of [2, 4, 8]) if (s.k / sp >= 256) list = [...list, `64x64x32-2x2-s${sp}`, `64x64x32-2x2-db-s${sp}`, `128x128x32-4x2-s${sp}`];
  }
  return [...new Set([defaultTcVariant(s), ...list])];
}

let seed = 1;
function uniform(n: number): Float32Array {
  const out = new Float32Array(n);
  let x = (seed++ * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; out[i] = x / 2 ** 31 - 1; }
  return out;
}

/** Sorted distinct indices: first, last, and `count` spread in between (all when dim <= count + 2). */
function sampleIndices(dim: number, count: number): number[] {
  if (dim <= count + 2) return Array.from({ length: dim }, (_, i) => i);
  const s = new Set([0, dim - 1]);
  for (let i = 0; i < count; i++) s.add(Math.floor(((i + 0.5) * dim) / count));
  return [...s].sort((a, b) => a - b);
}

export interface VariantCheck {
  variant: string; planned: string; ms: number | null; tflops: number | null; compileMs: number | null;
  maxErr: number | null; nanLeft: number | null; pass: boolean; error?: string;
}
export interface ShapeCheck {
  label: string; key: string; count: number; batch: number; m: number; n: number; k: number; transA: boolean; transB: boolean;
  bound: number; checked: string; fp32Ms: number | null; fp32Tflops: number | null;
  defaultVariant: string; best: string | null; bestMs: number | null; bestTflops: number | null; speedup: number | null;
  pass: boolean; variants: VariantCheck[]; error?: string;
}
export interface TcCheckRecord {
  bench: 'gpu-tc-check'; device: string; available: boolean; reason: string | null;
  fragment?: string; style?: string; subgroupSize?: number; boundFormula: string;
  shapes: ShapeCheck[]; perStep: { size: string; fp32Ms: number; tcMs: number; fp32Tflops: number; tcTflops: number; shapes: number }[];
  table: Record<string, string>; applied: boolean; maxCompileMs: number | null; failures: string[];
  /** set when the builtin spelling was switched (or could not be) after the odd shapes */
  styleNote?: string | null;
}

const BOUND_FORMULA = '16·sqrt(K)·2^-11·max|a|·max|b| + K·2^-22·max|a|·max|b| (f16 rounding of the inputs, Hoeffding; f32 accumulation)';

/**
 * One shape: fp32 timing, then each candidate variant's correctness and timing. `harness`: instead, the fp32
 * kernel's result through the same reference and sampling (tests the check itself where there are no tensor cores).
 */
export async function checkShape(s: MatMulShape & { broadcastB?: boolean }, opts: { reps: number; inner: number; time: boolean; quick: boolean; only?: string[]; harness?: boolean }): Promise<ShapeCheck> {
  const be = activeWebgpu()!;
  const batchB = s.broadcastB ? 1 : s.batch;
  const p = { batch: s.batch, m: s.m, n: s.n, k: s.k, transA: s.transA, transB: s.transB };
  const aData = uniform(s.batch * s.m * s.k), bData = uniform(batchB * s.k * s.n);
  const aShape: [number, number, number] = s.transA ? [s.batch, s.k, s.m] : [s.batch, s.m, s.k];
  const bShape: [number, number, number] = s.transB ? [batchB, s.n, s.k] : [batchB, s.k, s.n];
  const a = tf.tensor(aData, aShape) as tf.Tensor3D, b = tf.tensor(bData, bShape) as tf.Tensor3D;
  const a2 = s.batch === 1 ? a.reshape(aShape.slice(1)) as tf.Tensor2D : a;
  const b2 = s.batch === 1 && batchB === 1 ? b.reshape(bShape.slice(1)) as tf.Tensor2D : b;
  let maxA = 0, maxB = 0;
  for (const v of aData) maxA = Math.max(maxA, Math.abs(v));
  for (const v of bData) maxB = Math.max(maxB, Math.abs(v));
  const bound = errorBound(s.k, maxA, maxB);
  const full = s.batch * s.m * s.n <= 65536;
  const zs = sampleIndices(s.batch, 2), rows = sampleIndices(s.m, full ? s.m : 38), cols = sampleIndices(s.n, full ? s.n : 38);
  const ref = new Float64Array(zs.length * rows.length * cols.length);
  {
    let o = 0;
    for (const z of zs) for (const i of rows) for (const j of cols) {
      let sum = 0;
      const za = z * s.m * s.k, zb = (s.broadcastB ? 0 : z) * s.k * s.n;
      for (let q = 0; q < s.k; q++) {
        const av = s.transA ? aData[za + q * s.m + i] : aData[za + i * s.k + q];
        const bv = s.transB ? bData[zb + j * s.k + q] : bData[zb + q * s.n + j];
        sum += av * bv;
      }
      ref[o++] = sum;
    }
  }
  const flops = 2 * s.batch * s.m * s.n * s.k;
  const tflops = (ms: number | null) => (ms ? flops / ms / 1e9 : null);
  const variants: VariantCheck[] = [];
  let fp32Ms: number | null = null;
  const record: ShapeCheck = {
    label: s.label, key: tcProblemKey(p), count: s.count, ...p, bound, checked: full ? 'every element' : `${zs.length}x${rows.length}x${cols.length} sampled`,
    fp32Ms: null, fp32Tflops: null, defaultVariant: defaultTcVariant(p), best: null, bestMs: null, bestTflops: null, speedup: null, pass: false, variants,
  };
  try {
    if (opts.time) { fp32Ms = (await gpuMs(() => tf.matMul(a2, b2, s.transA, s.transB), opts.reps, opts.inner)).ms; record.fp32Ms = fp32Ms; record.fp32Tflops = tflops(fp32Ms); }
    const problem = { ...p, broadcastA: false, broadcastB: !!s.broadcastB };
    let bestCost = Infinity;
    if (opts.harness) {
      // the check itself on the fp32 kernel (any webgpu device): reference, sampling and bound, no tensor core
      const out = tf.tidy(() => tf.matMul(a2, b2, s.transA, s.transB).reshape([s.batch, s.m, s.n]));
      const picked = tf.tidy(() => tf.gather(tf.gather(tf.gather(out, zs, 0), rows, 1), cols, 2));
      const got = await picked.data();
      tf.dispose([out, picked]);
      let maxErr = 0;
      for (let i = 0; i < ref.length; i++) maxErr = Math.max(maxErr, Number.isFinite(got[i]) ? Math.abs(got[i] - ref[i]) : Infinity);
      variants.push({ variant: 'fp32-harness', planned: 'fp32-harness', ms: null, tflops: null, compileMs: null, maxErr, nanLeft: 0, pass: maxErr <= bound });
      record.pass = maxErr <= bound;
      return record;
    }
    for (const v of opts.only ?? tcCandidates(p, opts.quick)) {
      const vc: VariantCheck = { variant: v, planned: v, ms: null, tflops: null, compileMs: null, maxErr: null, nanLeft: null, pass: false };
      variants.push(vc);
      try {
        const plan = tcPlanFor(be, problem, v);
        vc.planned = plan.variant;
        if (plan.variant !== v) { vc.error = `does not fit this device (would run ${plan.variant})`; continue; }
        const c = await compileTcPipeline(be.device, plan.spec);
        vc.compileMs = c.ms;
        if (!c.ok) { vc.error = `compile: ${c.error}`; continue; }
        // correctness: into a NaN-filled output
        // (with split K the partial products too: the sum kernel writes every output whatever the partials hold)
        const out = tf.fill([s.batch, s.m, s.n], NaN) as tf.Tensor3D;
        const partials = plan.splits > 1 ? tf.fill([plan.splits, s.m, s.n], NaN) : null;
        for (const t of [out, partials]) if (t) be.uploadToGPU(t.dataId);
        const info = (t: tf.Tensor) => ({ dataId: t.dataId, shape: t.shape, dtype: 'float32' as const });
        runTcMatMul(be, a, b, plan, info(out), partials ? info(partials) : undefined);
        const nan = tf.tidy(() => tf.add(tf.sum(tf.cast(tf.logicalNot(tf.isFinite(out)), 'int32')),
          partials ? tf.sum(tf.cast(tf.logicalNot(tf.isFinite(partials)), 'int32')) : 0));
        partials?.dispose();
        const picked = tf.tidy(() => tf.gather(tf.gather(tf.gather(out, zs, 0), rows, 1), cols, 2));
        const [nanLeft, got] = await Promise.all([nan.data(), picked.data()]);
        tf.dispose([out, nan, picked]);
        let maxErr = 0;
        for (let i = 0; i < ref.length; i++) maxErr = Math.max(maxErr, Number.isFinite(got[i]) ? Math.abs(got[i] - ref[i]) : Infinity);
        vc.nanLeft = nanLeft[0];
        vc.maxErr = maxErr;
        vc.pass = vc.nanLeft === 0 && maxErr <= bound;
        if (opts.time) {
          vc.ms = (await gpuMs(() => withTensorCoreMatMul(v, () => tf.matMul(a2, b2, s.transA, s.transB)), opts.reps, opts.inner)).ms;
          vc.tflops = tflops(vc.ms);
          const cost = vc.ms + (/-s\d+$/.test(v) ? SPLIT_PENALTY_MS : 0);
          if (vc.pass && cost < bestCost) { bestCost = cost; record.best = v; record.bestMs = vc.ms; record.bestTflops = vc.tflops; }
        } else if (vc.pass && !record.best) record.best = v;
      } catch (e) {
        vc.error = (e as Error).message.split('\n')[0].slice(0, 400);
      }
      console.log(`    ${v.padEnd(22)} ${vc.error ? `FAILED ${vc.error}` : `${vc.ms?.toFixed(3) ?? '-'} ms ${vc.tflops?.toFixed(1) ?? '-'} TFLOP/s  `
        + `err ${vc.maxErr?.toExponential(2)} (bound ${bound.toExponential(2)}) NaN left ${vc.nanLeft} ${vc.pass ? 'ok' : 'FAIL'}  compile ${vc.compileMs?.toFixed(0)} ms`}`);
    }
    const def = variants.find((x) => x.variant === record.defaultVariant);
    record.pass = variants.length > 0 && variants.every((x) => x.pass || (x.error?.startsWith('does not fit') ?? false)) && !!def?.pass;
    if (record.bestMs && fp32Ms) record.speedup = fp32Ms / record.bestMs;
  } catch (e) {
    record.error = (e as Error).message.split('\n')[0];
  } finally {
    tf.dispose([a, b, a2, b2]);
  }
  return record;
}

export async function main(argv: string[]): Promise<TcCheckRecord> {
  const { values } = parseArgs({
    args: argv,
    options: {
      sizes: { type: 'string', default: 'base,4L-512H' },
      batch: { type: 'string', default: '32' },
      seq: { type: 'string', default: '128' },
      vocab: { type: 'string', default: '30522' },
      reps: { type: 'string', default: '3' },
      inner: { type: 'string', default: '5' },
      warm: { type: 'string', default: '1' },
      quick: { type: 'string', default: '4L-512H' }, // sizes tried with the short variant list
      variants: { type: 'string' }, // only these variants on every shape
      budget: { type: 'string' }, // seconds before the remaining shapes are skipped (odd shapes always run first)
      'no-time': { type: 'boolean', default: false },
      'no-odd': { type: 'boolean', default: false },
      apply: { type: 'boolean', default: false },
    },
  });
  const T0 = performance.now();
  const backend = await selectBackend('webgpu');
  console.log(`gpu-tc-check: ${backend.device}`);
  const empty = { boundFormula: BOUND_FORMULA, shapes: [], perStep: [], table: { ...DEFAULT_TC_TABLE }, applied: false, maxCompileMs: null, failures: [] };
  if (!tensorCoresAvailable() || !tensorCoreState()) {
    const reason = tensorCoresUnavailableReason() ?? 'unknown';
    console.log(`gpu-tc-check: tensor cores NOT available on this device: ${reason}. Nothing to check.`);
    return { bench: 'gpu-tc-check', device: backend.device, available: false, reason, ...empty };
  }
  setMatmulPrecision('fp32'); // the fp32 column is the fp32 kernel; the tensor-core kernel runs inside withTensorCoreMatMul
  const st = tensorCoreState()!;
  const be = activeWebgpu()!;
  console.log(`gpu-tc-check: fragment f16 ${st.fragment.m}x${st.fragment.n}x${st.fragment.k} -> f32, subgroup size ${st.subgroupSize}, builtins ${st.style}; `
    + `workgroup storage ${be.device.limits.maxComputeWorkgroupStorageSize} B, ${be.device.limits.maxComputeInvocationsPerWorkgroup} invocations; bound ${BOUND_FORMULA}`);
  const sizes = list('sizes', values.sizes);
  const quick = new Set(values.quick!.split(','));
  const reps = positiveInt('reps', values.reps), inner = positiveInt('inner', values.inner);
  const only = values.variants ? list('variants', values.variants) : undefined;
  const stepShapes = sizes.flatMap((s) => stepMatMuls(s, Number(values.batch), Number(values.seq), Number(values.vocab)));
  // most GPU time first (FLOPs x count), so a --budget cut leaves out the cheap shapes; shapes shared by sizes once
  stepShapes.sort((x, y) => y.count * y.batch * y.m * y.n * y.k - x.count * x.batch * x.m * x.n * x.k);
  const seen = new Set<string>();
  const shapes = [...(values['no-odd'] ? [] : oddShapes()), ...stepShapes].filter((s) => {
    const key = tcProblemKey(s) + ((s as { broadcastB?: boolean }).broadcastB ? 'b' : '');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  await warmGpu(Number(values.warm));
  let results: ShapeCheck[] = [];
  const check = async (s: MatMulShape) => {
    console.log(`${s.label.padEnd(32)} ${tcProblemKey(s).padEnd(22)} x${s.count}`);
    const r = await checkShape(s, { reps, inner, time: !values['no-time'], quick: quick.has(s.label.split(' ')[0]), only });
    console.log(`    fp32 ${r.fp32Ms?.toFixed(3) ?? '-'} ms (${r.fp32Tflops?.toFixed(1) ?? '-'} TFLOP/s); best tc ${r.best ?? 'none'} ${r.bestMs?.toFixed(3) ?? '-'} ms `
      + `(${r.bestTflops?.toFixed(1) ?? '-'} TFLOP/s, ${r.speedup?.toFixed(2) ?? '-'}x); ${r.pass ? 'PASS' : 'FAIL'}${r.error ? ` ${r.error}` : ''}`);
    return r;
  };
  let styleNote: string | null = null;
  const odd = values['no-odd'] ? 0 : oddShapes().length;
  for (const [i, s] of shapes.entries()) {
    if (values.budget && (performance.now() - T0) / 1000 > Number(values.budget)) { console.log(`gpu-tc-check: budget reached, ${s.label} and later shapes not checked`); break; }
    results.push(await check(s));
    // every odd shape wrong with the current builtins: try the deprecated spelling (the one the H100 probe ran) and
    // keep it for this process (env WID_TC_BUILTINS, which the next selectBackend reads) when it is right
    if (odd && i === odd - 1 && results.every((r) => !r.pass) && tensorCoreState()?.style === 'majorness' && !process.env.WID_TC_BUILTINS) {
      console.log('gpu-tc-check: EVERY odd shape failed with the current builtins; checking them with the legacy spelling');
      process.env.WID_TC_BUILTINS = 'legacy';
      await enableTensorCores(be.device, (x) => tensorCoreCompileCheck(be.device, x), process.env, () => measureSubgroupSize(be.device));
      const again: ShapeCheck[] = [];
      if (tensorCoreState()) for (const s2 of shapes.slice(0, odd)) again.push(await check(s2));
      if (again.length && again.every((r) => r.pass)) {
        styleNote = 'the current builtins failed every odd shape, the legacy ones passed: legacy kept for this process (WID_TC_BUILTINS=legacy)';
        results = again;
      } else {
        delete process.env.WID_TC_BUILTINS;
        await enableTensorCores(be.device, (x) => tensorCoreCompileCheck(be.device, x), process.env, () => measureSubgroupSize(be.device));
        styleNote = 'the odd shapes failed with both builtin spellings';
      }
      console.log(`gpu-tc-check: ${styleNote}`);
    }
  }
  // per step: each size's shapes x count (a shape shared by two sizes counts for each)
  const perStep: TcCheckRecord['perStep'] = [];
  for (const size of sizes) {
    const mine = stepMatMuls(size, Number(values.batch), Number(values.seq), Number(values.vocab));
    const got = mine.map((s) => ({ s, r: results.find((r) => r.key === tcProblemKey(s)) })).filter((x) => x.r?.fp32Ms && x.r.bestMs);
    if (!got.length) continue;
    const flop = got.reduce((t, x) => t + 2 * x.s.batch * x.s.m * x.s.n * x.s.k * x.s.count, 0);
    const fp32Ms = got.reduce((t, x) => t + x.r!.fp32Ms! * x.s.count, 0), tcMs = got.reduce((t, x) => t + x.r!.bestMs! * x.s.count, 0);
    perStep.push({ size, fp32Ms, tcMs, fp32Tflops: flop / fp32Ms / 1e9, tcTflops: flop / tcMs / 1e9, shapes: got.length });
    console.log(`matmul GPU ms per ${size} step (${got.length} of ${mine.length} shapes): fp32 ${fp32Ms.toFixed(1)} (${(flop / fp32Ms / 1e9).toFixed(1)} TFLOP/s), `
      + `tensor cores ${tcMs.toFixed(1)} (${(flop / tcMs / 1e9).toFixed(1)} TFLOP/s)`);
  }
  const table = { ...DEFAULT_TC_TABLE, ...Object.fromEntries(results.filter((r) => r.best && r.count > 0).map((r) => [r.key, r.best!])) };
  if (values.apply) { setTcMatMulTable(table); console.log(`tensor-core table applied for this process (${Object.keys(table).length} shapes)`); }
  const compiles = results.flatMap((r) => r.variants.map((v) => v.compileMs ?? 0));
  const failures = results.flatMap((r) => [...(r.error ? [`${r.label}: ${r.error}`] : []),
    ...r.variants.filter((v) => !v.pass && !v.error?.startsWith('does not fit')).map((v) => `${r.label} ${v.variant}: ${v.error ?? `err ${v.maxErr} > bound ${r.bound} or NaN left ${v.nanLeft}`}`)]);
  console.log(`gpu-tc-check: ${results.filter((r) => r.pass).length} of ${results.length} shapes pass; slowest pipeline compile ${Math.max(0, ...compiles).toFixed(0)} ms; ${failures.length} failures`);
  console.log(`DEFAULT_TC_TABLE = ${JSON.stringify(table, null, 2)}`);
  return {
    bench: 'gpu-tc-check', device: backend.device, available: true, reason: null, fragment: `${st.fragment.m}x${st.fragment.n}x${st.fragment.k}`, style: tensorCoreState()?.style ?? st.style, styleNote,
    subgroupSize: st.subgroupSize, boundFormula: BOUND_FORMULA, shapes: results, perStep, table, applied: values.apply!, maxCompileMs: compiles.length ? Math.max(...compiles) : null, failures,
  };
}

const f = (v: number | null | undefined, d = 2) => (v === null || v === undefined ? '-' : v.toFixed(d));

export function markdown(r: TcCheckRecord): string {
  if (!r.available) return `Tensor cores not available on ${r.device}: ${r.reason}`;
  return [
    `Tensor-core matmul on ${r.device}: fragment f16 ${r.fragment} -> f32, subgroup ${r.subgroupSize}, builtins ${r.style}. Bound: ${r.boundFormula}.`,
    `Slowest pipeline compile ${f(r.maxCompileMs, 0)} ms. ${r.shapes.filter((s) => s.pass).length} of ${r.shapes.length} shapes pass.${r.styleNote ? ` Builtins: ${r.styleNote}.` : ''}`,
    '',
    '| shape | key | x | fp32 ms | fp32 TFLOP/s | best tc | tc ms | tc TFLOP/s | speed-up | max err (best) | bound | NaN left | pass |',
    '|---|---|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|---|',
    ...r.shapes.map((s) => {
      const v = s.variants.find((x) => x.variant === (s.best ?? s.defaultVariant));
      return `| ${s.label} | ${s.key} | ${s.count} | ${f(s.fp32Ms, 3)} | ${f(s.fp32Tflops, 1)} | ${s.best ?? '-'} | ${f(s.bestMs, 3)} | ${f(s.bestTflops, 1)} | ${f(s.speedup)} | `
        + `${v?.maxErr?.toExponential(2) ?? '-'} | ${s.bound.toExponential(2)} | ${v?.nanLeft ?? '-'} | ${s.pass ? 'yes' : `NO${s.error ? `: ${s.error}` : ''}`} |`;
    }),
    '',
    '| size | fp32 matmul ms/step | tc matmul ms/step | fp32 TFLOP/s | tc TFLOP/s | shapes |',
    '|---|--:|--:|--:|--:|--:|',
    ...r.perStep.map((p) => `| ${p.size} | ${f(p.fp32Ms, 1)} | ${f(p.tcMs, 1)} | ${f(p.fp32Tflops, 1)} | ${f(p.tcTflops, 1)} | ${p.shapes} |`),
    ...(r.failures.length ? ['', `Failures (${r.failures.length}):`, ...r.failures.slice(0, 40).map((x) => `- ${x}`)] : []),
  ].join('\n');
}
