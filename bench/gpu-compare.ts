// `npm run bench -- gpu-compare`: the same BERT MLM + AdamW training step run by the workbench engine
// and, from this process tree, by its peers: transformers (bench/pytorch/hf_bert_step.py: BertForMaskedLM,
// SDPA attention, fused AdamW; modes fp32, TF32, bf16 autocast) and the hand-written eager-fp32 script
// (bench/pytorch/bert_step.py). Prints ms/step and peak GPU memory of each, and the engine's ratio to
// each row and to the fastest transformers mode. Before timing, a tiny model's loss, gradients and
// parameters after two AdamW steps on the chosen backend are checked against the pure-JS cpu backend.
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { selectBackend, BackendPreference } from '../src-main/engine/backend/index.js';
import { benchConfig, makeTrainStep } from './lib/train-step-model.js';
import { checkAgainstCpu, formatCheck, NumericCheck } from './lib/numeric-check.js';
import { withCpuProfile } from './lib/cpu-profile.js';
import { gpuPoolBytes, trimGpuPool } from './lib/gpu-pool.js';
import { list, positiveInt } from './lib/args.js';
import { runPeer, PeerRow, PEERS, PeerName } from './lib/torch-peer.js';
import { MATMUL_PRECISIONS, setMatmulPrecision, tensorCoresAvailable, type MatmulPrecision } from '../src-main/engine/kernels/matmul-precision.js';
import { tensorCoresUnavailableReason } from '../src-main/engine/kernels/webgpu-tensor-cores.js';

export interface EngineTiming {
  size: string; backend: string; device: string; batch: number; seq: number; steps: number;
  params: number; msPerStep: number; issueMsPerStep: number; firstStepMs: number; loss: number;
  /** tfjs-webgpu's buffer pool after the run, emptied of free buffers before it (MiB); null off the GPU. */
  peakGpuMb: number | null;
  /** 'replay': the step captured and replayed (capture/captured-step.ts); 'eager': every step through tfjs. */
  path: 'replay' | 'eager';
  /** Replayed steps only: GPU time per step from timestamp queries around each replay, and wall / GPU. */
  gpuMsPerStep: number | null;
  wallToGpu: number | null;
  /** Why the steps were not replayed (null when they were). */
  captureNote: string | null;
}

/** Engine step timed like CUDA events around a loop: `warmup` synced steps, then `steps` steps and one sync. */
export async function timeEngineStep(size: string, batch: number, seq: number, steps: number, warmup: number, cpuProfile?: string,
  capture: 'auto' | 'off' = 'off'): Promise<Omit<EngineTiming, 'backend' | 'device'>> {
  await trimGpuPool();
  // the peers use BERT's vocabulary at every size
  const ts = makeTrainStep(benchConfig(size, 30522), batch, seq, { capture });
  // a step is replayed once two recordings agree: at least three warm-up steps before timing
  if (capture === 'auto') warmup = Math.max(warmup, 4);
  let peak = 0;
  const notePeak = () => { peak = Math.max(peak, gpuPoolBytes() ?? 0); };
  try {
    let t0 = performance.now();
    let firstStepMs = 0;
    for (let i = 0; i < warmup; i++) {
      const loss = ts.step();
      await loss.data(); // warm-up includes shader compilation; sync each step
      loss.dispose();
      if (i === 0) firstStepMs = performance.now() - t0;
      notePeak();
    }
    t0 = performance.now();
    let last: tf.Scalar | null = null;
    let issueMs = 0;
    const loss = await withCpuProfile(cpuProfile, async () => {
      for (let i = 0; i < steps; i++) {
        last?.dispose();
        last = ts.step();
      }
      issueMs = performance.now() - t0; // JS time to record and submit all steps: close to the total = CPU-bound
      return (await last!.data())[0];
    });
    const msPerStep = (performance.now() - t0) / steps;
    last!.dispose();
    notePeak();
    const status = ts.capture?.status();
    const gpuTimes = (await ts.capture?.gpuMilliseconds()) ?? [];
    const timed = gpuTimes.slice(-steps); // the timed steps' replays (warm-up replays come first)
    const gpuMsPerStep = status?.path === 'replay' && timed.length === steps ? timed.reduce((a, b) => a + b, 0) / steps : null;
    return {
      size, batch, seq, steps, params: ts.params, msPerStep, issueMsPerStep: issueMs / steps, firstStepMs, loss, peakGpuMb: gpuPoolBytes() === null ? null : peak / 2 ** 20,
      path: status?.path ?? 'eager', gpuMsPerStep, wallToGpu: gpuMsPerStep ? msPerStep / gpuMsPerStep : null,
      captureNote: status?.reason ?? null,
    };
  } finally {
    ts.dispose();
  }
}

export interface CompareRow {
  size: string; who: string; msPerStep: number | null; peakMb: number | null;
  /** engine ms / this row's ms (> 1: the engine is slower). */
  engineRatio: number | null; note?: string;
}

export interface CompareRecord {
  bench: 'gpu-compare'; backend: { name: string; device: string }; batch: number; seq: number; steps: number; warmup: number;
  /** The engine's matmul precision (kernels/matmul-precision.ts): fp32, or f16-tc on tensor cores (issue 25). */
  precision?: MatmulPrecision;
  check: NumericCheck | null; engine: EngineTiming[]; peers: Partial<Record<PeerName, { rows?: PeerRow[]; error?: string }>>;
  rows: CompareRow[];
  /** Per size: the engine against the fastest transformers mode (the issue's target) and peak memory against transformers fp32. */
  summary: { size: string; enginePath: 'replay' | 'eager'; engineMs: number; fastest: string | null; fastestMs: number | null; ratioToFastest: number | null;
    enginePeakMb: number | null; hfFp32PeakMb: number | null; peakRatioToFp32: number | null; wallToGpu: number | null; fp32MatmulFloorMs: number }[];
  env: Record<string, string | null>;
}

const label = (r: PeerRow) => (r.peer === 'hf' ? `transformers ${r.mode}` : `hand-written ${r.mode}`);

/** Rows (the engine's paths first, then each peer row) and the per-size summary, which takes the engine's fastest path. */
export function compareRows(engine: EngineTiming[], peerRows: PeerRow[]): Pick<CompareRecord, 'rows' | 'summary'> {
  const rows: CompareRow[] = [];
  const summary: CompareRecord['summary'] = [];
  for (const size of [...new Set(engine.map((e) => e.size))]) {
    const mineEngine = engine.filter((e) => e.size === size);
    const e = mineEngine.reduce((a, b) => (b.msPerStep < a.msPerStep ? b : a));
    for (const x of mineEngine) {
      rows.push({ size, who: `engine ${x.backend} ${x.path}`, msPerStep: x.msPerStep, peakMb: x.peakGpuMb, engineRatio: x.msPerStep / e.msPerStep,
        note: `JS issue ${x.issueMsPerStep.toFixed(1)} ms/step${x.gpuMsPerStep ? `; GPU ${x.gpuMsPerStep.toFixed(1)} ms/step, wall/GPU ${x.wallToGpu!.toFixed(2)}` : ''}${x.captureNote ? `; ${x.captureNote}` : ''}` });
    }
    const mine = peerRows.filter((r) => r.size === size);
    for (const r of mine) {
      rows.push({ size, who: label(r), msPerStep: r.msPerStep, peakMb: r.peakMb, engineRatio: r.msPerStep ? e.msPerStep / r.msPerStep : null, note: r.note });
    }
    const hf = mine.filter((r) => r.peer === 'hf' && r.msPerStep !== null);
    const fastest = hf.length ? hf.reduce((a, b) => (b.msPerStep! < a.msPerStep! ? b : a)) : null;
    const fp32 = hf.find((r) => r.mode === 'fp32');
    summary.push({
      size, enginePath: e.path, engineMs: e.msPerStep, fastest: fastest ? label(fastest) : null, fastestMs: fastest?.msPerStep ?? null,
      ratioToFastest: fastest ? e.msPerStep / fastest.msPerStep! : null,
      enginePeakMb: e.peakGpuMb, hfFp32PeakMb: fp32?.peakMb ?? null,
      peakRatioToFp32: e.peakGpuMb !== null && fp32?.peakMb ? e.peakGpuMb / fp32.peakMb : null,
      wallToGpu: e.wallToGpu,
      fp32MatmulFloorMs: matmulFloorMs(e.params, e.batch * e.seq),
    });
  }
  return { rows, summary };
}

/** ~6 x parameters x tokens FLOPs of fp32 matmuls at ~30 TFLOP/s (the fp32 kernel's rate): the floor only tensor cores lower. */
export const matmulFloorMs = (params: number, tokens: number): number => (6 * params * tokens) / 30e12 * 1e3;

const f = (v: number | null | undefined, d = 1) => (v === null || v === undefined ? 'n/a' : v.toFixed(d));

/** The comparison as a Markdown table (also what gpu-entry puts in summary.md). */
export function markdown(r: CompareRecord | SkippedCompare): string {
  if ('skipped' in r) return `gpu-compare not run: ${r.skipped}`;
  const lines = [
    `gpu-compare on ${r.backend.name} (${r.backend.device}), matmuls ${r.precision ?? 'fp32'}, b${r.batch} x s${r.seq}, ${r.steps} timed steps after ${r.warmup} warm-up, one sync at the end.`,
    r.check ? `Numeric check vs cpu: ${formatCheck(r.check)}` : 'Numeric check: not run.',
    '',
    '| size | who | ms/step | engine / this | peak GPU MiB | note |',
    '|---|---|--:|--:|--:|---|',
    ...r.rows.map((x) => `| ${x.size} | ${x.who} | ${f(x.msPerStep)} | ${f(x.engineRatio, 2)} | ${f(x.peakMb, 0)} | ${x.note ?? ''} |`),
    '',
    '| size | engine path | engine ms | wall / GPU | fp32 matmul floor ms | fastest transformers mode | its ms | ratio | engine peak / transformers fp32 peak |',
    '|---|---|--:|--:|--:|---|--:|--:|--:|',
    ...r.summary.map((s) => `| ${s.size} | ${s.enginePath} | ${f(s.engineMs)} | ${f(s.wallToGpu, 2)} | ${f(s.fp32MatmulFloorMs)} | ${s.fastest ?? 'n/a'} | ${f(s.fastestMs)} | ${f(s.ratioToFastest, 2)} | ${f(s.enginePeakMb, 0)} / ${f(s.hfFp32PeakMb, 0)} = ${f(s.peakRatioToFp32, 2)} |`),
  ];
  for (const [peer, p] of Object.entries(r.peers)) if (p?.error) lines.push('', `${peer}: not run — ${p.error}`);
  return lines.join('\n');
}

/** What gpu-compare returns when the precision asked for cannot run here (f16-tc without tensor cores). */
export interface SkippedCompare { bench: 'gpu-compare'; skipped: string; backend: { name: string; device: string }; precision: MatmulPrecision }

export const USAGE = `gpu-compare [--sizes 4L-256H,4L-512H,base] [--paths eager,replay] [--precision fp32|f16-tc (or env WID_PRECISION)] [--batch 32] [--seq 128] [--steps 10] [--warmup 3] [--backend auto|webgpu|wasm|cpu|tensorflow]
            [--peers hf,handwritten] [--hf-modes fp32,tf32,bf16] [--dropout 0] [--torch-device cuda|cpu] [--python python3 (or env WID_PYTHON)] [--peer-timeout 240 (s per script)]
            [--no-torch] [--no-check] [--cpu-profile FILE (V8 profile of the timed steps, one file per size)]`;

export async function main(argv: string[]): Promise<CompareRecord | SkippedCompare | undefined> {
  const { values } = parseArgs({
    args: argv,
    options: {
      sizes: { type: 'string', default: '4L-256H,4L-512H,base' },
      paths: { type: 'string', default: 'eager,replay' },
      batch: { type: 'string', default: '32' },
      seq: { type: 'string', default: '128' },
      steps: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      backend: { type: 'string', default: 'auto' },
      precision: { type: 'string', default: process.env.WID_PRECISION ?? 'fp32' },
      peers: { type: 'string', default: PEERS.join(',') },
      'hf-modes': { type: 'string', default: 'fp32,tf32,bf16' },
      dropout: { type: 'string', default: '0' },
      'torch-device': { type: 'string' },
      'peer-timeout': { type: 'string', default: '240' },
      python: { type: 'string', default: process.env.WID_PYTHON ?? 'python3' },
      'no-torch': { type: 'boolean', default: false },
      'no-check': { type: 'boolean', default: false },
      'cpu-profile': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) { console.log(USAGE); return undefined; }
  const batch = positiveInt('batch', values.batch), seq = positiveInt('seq', values.seq);
  const steps = positiveInt('steps', values.steps), warmup = positiveInt('warmup', values.warmup);
  const sizes = list('sizes', values.sizes);
  sizes.forEach((s) => benchConfig(s)); // validates names before any work
  const peers = values['no-torch'] ? [] : (list('peers', values.peers, PEERS) as PeerName[]);
  const hfModes = list('hf-modes', values['hf-modes'], ['fp32', 'tf32', 'bf16']);
  const peerTimeout = positiveInt('peer-timeout', values['peer-timeout']);
  const dropout = Number(values.dropout);
  if (!(dropout >= 0 && dropout < 1)) throw new Error(`--dropout must be in [0, 1), got "${values.dropout}"`);

  const precision = list('precision', values.precision, MATMUL_PRECISIONS)[0] as MatmulPrecision;
  const backend = await selectBackend(values.backend as BackendPreference);
  console.log(`engine backend: ${backend.name} — ${backend.device}; matmuls ${precision}`);
  if (precision === 'f16-tc' && !tensorCoresAvailable()) {
    const skipped = `precision f16-tc asked for, but this backend has no tensor cores (${backend.name === 'webgpu' ? tensorCoresUnavailableReason() : `backend ${backend.name}`})`;
    console.log(`gpu-compare: ${skipped}; nothing run`);
    return { bench: 'gpu-compare', skipped, backend, precision };
  }
  setMatmulPrecision(precision); // the numeric check and every engine step below; fp32 again at the end
  try {
    return await compareWith(values, backend, precision, { batch, seq, steps, warmup, sizes, peers, hfModes, peerTimeout, dropout });
  } finally {
    setMatmulPrecision('fp32');
  }
}

async function compareWith(values: Record<string, string | boolean | undefined>, backend: { name: string; device: string }, precision: MatmulPrecision,
  o: { batch: number; seq: number; steps: number; warmup: number; sizes: string[]; peers: PeerName[]; hfModes: string[]; peerTimeout: number; dropout: number }): Promise<CompareRecord> {
  const { batch, seq, steps, warmup, sizes, peers, hfModes, peerTimeout, dropout } = o;
  let check: NumericCheck | null = null;
  if (!values['no-check'] && backend.name !== 'cpu') {
    check = await checkAgainstCpu(backend.name, undefined, precision);
    console.log(`numeric check vs cpu: ${formatCheck(check)}`);
  }
  const engine: EngineTiming[] = [];
  const paths = list('paths', values.paths as string, ['eager', 'replay']);
  for (const size of sizes) {
    for (const path of paths) {
      const prof = values['cpu-profile'] ? (values['cpu-profile'] as string).replace(/(\.cpuprofile)?$/, `-${size}-${path}.cpuprofile`) : undefined;
      const t = await timeEngineStep(size, batch, seq, steps, warmup, prof, path === 'replay' ? 'auto' : 'off');
      engine.push({ ...t, backend: backend.name, device: backend.device });
      console.log(`engine ${size} ${t.path}: ${t.msPerStep.toFixed(1)} ms/step (JS issue ${t.issueMsPerStep.toFixed(1)} ms/step; `
        + `${t.gpuMsPerStep ? `GPU ${t.gpuMsPerStep.toFixed(1)} ms/step, wall/GPU ${t.wallToGpu!.toFixed(2)}; ` : ''}first step ${t.firstStepMs.toFixed(0)} ms), loss ${t.loss.toFixed(3)}, `
        + `${(t.params / 1e6).toFixed(1)} M params, peak GPU ${t.peakGpuMb === null ? 'n/a' : t.peakGpuMb.toFixed(0) + ' MiB'}${t.captureNote ? ` (${t.captureNote})` : ''}`);
    }
  }
  await trimGpuPool(); // the engine's buffers stay allocated while the peers run; free what it can
  const peerResults: CompareRecord['peers'] = {};
  for (const peer of peers) {
    const r = runPeer(peer, { sizes, batch, seq, steps, warmup, device: values['torch-device'] as string | undefined, python: values.python as string, modes: hfModes, dropout, timeoutS: peerTimeout });
    peerResults[peer] = r;
    if (r.error) console.log(`${peer}: not run — ${r.error}`);
    for (const row of r.rows ?? []) console.log(`${peer} ${row.size} ${row.mode}: ${row.msPerStep === null ? row.note : `${row.msPerStep.toFixed(1)} ms/step, peak ${f(row.peakMb, 0)} MiB`}`);
  }
  const { rows, summary } = compareRows(engine, Object.values(peerResults).flatMap((p) => p?.rows ?? []));
  const record: CompareRecord = {
    bench: 'gpu-compare', backend, batch, seq, steps, warmup, precision, check, engine, peers: peerResults, rows, summary,
    env: Object.fromEntries(['WID_DAWN_OPTIONS', 'WID_TFJS_FLAGS', 'WID_WEBGPU_KERNELS', 'WID_MATMUL_VARIANT', 'WID_ADAMW_DISPATCH', 'WID_CAPTURE',
      'WID_PRECISION', 'WID_TC_VARIANT', 'WID_TENSOR_CORES', 'WID_FUSIONS', 'WID_MEMORY_PLAN', 'WID_LEAN_BACKPROP', 'WID_LEAN_SAVES', 'WID_LEAN_FORWARD',
      'WID_LEAN_RECORD'].map((k) => [k, process.env[k] ?? null])),
  };
  console.log('\n' + markdown(record));
  return record;
}
