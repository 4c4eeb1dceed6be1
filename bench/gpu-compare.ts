// `npm run bench -- gpu-compare`: the same BERT MLM + AdamW training step run by the workbench
// engine and by PyTorch (bench/pytorch/bert_step.py, identical shapes), ms/step for both, their
// ratio and peak GPU memory. Before timing, a tiny model's loss and gradients on the chosen
// backend are checked against the pure-JS cpu backend.
// On the GPU machine: bash ../shared/gpu/pack.sh bench/index.ts && (device) bash .gpu/run.sh gpu-compare
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import { selectBackend, BackendPreference } from '../src-main/engine/backend/index.js';
import { benchConfig, makeTrainStep } from './gpu-train-step.js';
import { checkAgainstCpu, NumericCheck } from './gpu-numeric-check.js';
import { withCpuProfile } from './gpu-cpu-profile.js';

export interface EngineTiming {
  size: string; backend: string; device: string; batch: number; seq: number; steps: number;
  params: number; msPerStep: number; issueMsPerStep: number; firstStepMs: number; loss: number; peakGpuMb: number | null;
}

export async function timeEngineStep(size: string, batch: number, seq: number, steps: number, warmup: number, cpuProfile?: string): Promise<Omit<EngineTiming, 'backend' | 'device'>> {
  const cfg = benchConfig(size);
  const ts = makeTrainStep(cfg, batch, seq);
  let peak = 0;
  const notePeak = () => {
    const m = tf.memory() as tf.MemoryInfo & { numBytesAllocatedInGPU?: number; numBytesInGPU?: number };
    peak = Math.max(peak, m.numBytesAllocatedInGPU ?? m.numBytesInGPU ?? 0);
  };
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
      // JS time to record and submit all steps; if close to the total, the CPU side is the bottleneck
      issueMs = performance.now() - t0;
      return (await last!.data())[0]; // one sync at the end, like CUDA events around the loop
    });
    const msPerStep = (performance.now() - t0) / steps;
    last!.dispose();
    notePeak();
    return { size, batch, seq, steps, params: ts.params, msPerStep, issueMsPerStep: issueMs / steps, firstStepMs, loss, peakGpuMb: peak ? peak / 2 ** 20 : null };
  } finally {
    ts.dispose();
  }
}

export interface TorchResult { size: string; ms_per_step: number; peak_mem_mb: number | null; device: string; torch: string; params: number; loss: number }

/** Runs the PyTorch reference; returns its results or why it could not run. */
export function runTorch(sizes: string[], batch: number, seq: number, steps: number, warmup: number, device?: string, python = 'python3'): { results?: TorchResult[]; error?: string } {
  const script = join(process.cwd(), 'bench', 'pytorch', 'bert_step.py');
  if (!existsSync(script)) return { error: `${script} not found (run from the project root)` };
  const json = join(mkdtempSync(join(os.tmpdir(), 'wid-torch-')), 'torch.json');
  const args = [script, '--sizes', sizes.join(','), '--batch', String(batch), '--seq', String(seq),
    '--steps', String(steps), '--warmup', String(warmup), '--json', json, ...(device ? ['--device', device] : [])];
  const r = spawnSync(python, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30 * 60_000 });
  if (r.error) return { error: `${python}: ${r.error.message}` };
  if (r.status !== 0) return { error: `${python} ${args.join(' ')} exited ${r.status}: ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}` };
  return { results: JSON.parse(readFileSync(json, 'utf8')) as TorchResult[] };
}

function writeJsonAtomic(path: string, value: unknown): void {
  writeFileSync(path + '.tmp', JSON.stringify(value, null, 2));
  renameSync(path + '.tmp', path);
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      sizes: { type: 'string', default: 'small,base' },
      batch: { type: 'string', default: '32' },
      seq: { type: 'string', default: '128' },
      steps: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      backend: { type: 'string', default: 'auto' },
      'torch-device': { type: 'string' },
      python: { type: 'string', default: process.env.WID_PYTHON ?? 'python3' },
      'no-torch': { type: 'boolean', default: false },
      'no-check': { type: 'boolean', default: false },
      json: { type: 'string' },
      'cpu-profile': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log('gpu-compare [--sizes small,base] [--batch 32] [--seq 128] [--steps 10] [--warmup 3] [--backend auto|webgpu|wasm|cpu|tensorflow]\n'
      + '            [--torch-device cuda|cpu] [--python python3 (or env WID_PYTHON)] [--no-torch] [--no-check] [--json FILE (default $OUT/gpu-compare.json when OUT is set)]\n'
      + '            [--cpu-profile FILE (V8 profile of the timed steps, one file per size)]');
    return;
  }
  const int = (name: string, v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got "${v}"`);
    return n;
  };
  const batch = int('batch', values.batch!), seq = int('seq', values.seq!), steps = int('steps', values.steps!), warmup = int('warmup', values.warmup!);
  const sizes = values.sizes!.split(',').map((s) => s.trim()).filter(Boolean);
  sizes.forEach((s) => benchConfig(s)); // validates names before any work

  const backend = await selectBackend(values.backend as BackendPreference);
  console.log(`engine backend: ${backend.name} — ${backend.device}`);
  let check: NumericCheck | null = null;
  if (!values['no-check'] && backend.name !== 'cpu') {
    check = await checkAgainstCpu(backend.name);
    console.log(`numeric check vs cpu (tiny BERT, loss + all gradients): loss ${check.loss.toPrecision(6)} vs ${check.cpuLoss.toPrecision(6)}, `
      + `max |grad diff| / max |grad| = ${check.maxRelGradDiff.toExponential(2)} (${check.worstParam}), params after 2 AdamW steps `
      + `${check.maxRelParamDiffAfterAdamW.toExponential(2)} -> ${check.ok ? 'OK' : 'MISMATCH'}`);
  }
  const engine: EngineTiming[] = [];
  for (const size of sizes) {
    const prof = values['cpu-profile'] ? values['cpu-profile'].replace(/(\.cpuprofile)?$/, `-${size}.cpuprofile`) : undefined;
    const t = await timeEngineStep(size, batch, seq, steps, warmup, prof);
    engine.push({ ...t, backend: backend.name, device: backend.device });
    console.log(`engine ${size}: ${t.msPerStep.toFixed(1)} ms/step (JS issue ${t.issueMsPerStep.toFixed(1)} ms/step; first step ${t.firstStepMs.toFixed(0)} ms), loss ${t.loss.toFixed(3)}, `
      + `${(t.params / 1e6).toFixed(1)} M params, peak GPU ${t.peakGpuMb === null ? 'n/a' : t.peakGpuMb.toFixed(0) + ' MB'}`);
  }
  const torch = values['no-torch'] ? { error: 'skipped (--no-torch)' } : runTorch(sizes, batch, seq, steps, warmup, values['torch-device'], values.python);
  if (torch.error) console.log(`pytorch: not run — ${torch.error}`);
  const rows = engine.map((e) => {
    const t = torch.results?.find((r) => r.size === e.size);
    return {
      size: e.size, batch, seq, engineMs: e.msPerStep, torchMs: t?.ms_per_step ?? null,
      ratio: t ? e.msPerStep / t.ms_per_step : null, enginePeakMb: e.peakGpuMb, torchPeakMb: t?.peak_mem_mb ?? null,
      torchDevice: t?.device ?? null,
    };
  });
  console.log('\nsize   batch x seq  engine ms/step  torch ms/step  ratio   engine peak MB  torch peak MB');
  for (const r of rows) {
    const f = (v: number | null, d = 1) => (v === null ? 'n/a' : v.toFixed(d));
    console.log(`${r.size.padEnd(6)} ${`${batch} x ${seq}`.padEnd(12)} ${f(r.engineMs).padStart(14)} ${f(r.torchMs).padStart(14)} ${f(r.ratio, 2).padStart(6)} `
      + `${f(r.enginePeakMb, 0).padStart(15)} ${f(r.torchPeakMb, 0).padStart(14)}`);
  }
  const out = values.json ?? (process.env.OUT ? join(process.env.OUT, 'gpu-compare.json') : undefined);
  const record = { backend, check, engine, torch, rows, env: { WID_DAWN_OPTIONS: process.env.WID_DAWN_OPTIONS ?? null, WID_TFJS_FLAGS: process.env.WID_TFJS_FLAGS ?? null } };
  if (out) { writeJsonAtomic(out, record); console.log(`wrote ${out}`); }
}
