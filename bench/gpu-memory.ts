// `npm run bench -- gpu-memory`: where the GPU memory of the bench MLM training step goes (gpu-compare's step:
// bertForward + mlmHead + maskedLmLoss, gradients, AdamW in place, captured and replayed). The first step (eager,
// recorded, the pool cold) is traced at the pool's high-water mark by category (bench/lib/memory-trace.ts); the
// steps after it are run until the step replays, and the pool is read again (what the replays keep: weights,
// moments, the template's buffers). `--variants` runs the same in one process under other settings (env read per
// call), e.g. `default;WID_LEAN_BACKPROP=off`, each from an emptied pool, with the losses of each step beside it.
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { selectBackend, BackendPreference } from '../src-main/engine/backend/index.js';
import { benchConfig, makeTrainStep } from './lib/train-step-model.js';
import { gpuPoolBytes, trimGpuPool } from './lib/gpu-pool.js';
import { CATEGORIES, traceStep, type StepTrace } from './lib/memory-trace.js';
import { list, positiveInt } from './lib/args.js';
import { activeWebgpu, bufferOf } from '../src-main/engine/capture/webgpu-internals.js';
import { ensureSoleOwner } from '../src-main/engine/capture/in-place.js';

export interface MemoryRun {
  size: string; variant: string; env: Record<string, string>; batch: number; seq: number; vocab: number; params: number;
  /** The first step's trace (eager, recorded). */
  first: StepTrace;
  /** The pool's largest size over all steps (as gpu-compare samples it: after each synced step) and after the last. */
  peakPoolBytes: number; poolAfterBytes: number;
  capture: { path: string; replayedSteps: number; dispatches: number; templates: number; stepBuffers: number; stepBytes: number; retainedBytes: number; inputBytes: number } | null;
  losses: number[];
}

export interface MemoryRecord { bench: 'gpu-memory'; backend: { name: string; device: string }; runs: MemoryRun[] }

const MiB = 2 ** 20;
const mib = (b: number) => (b / MiB).toFixed(1);

/** `ENV=value ENV2=value` words of one variant ('default' = none). */
export function parseVariant(v: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const w of v.trim().split(/\s+/)) {
    if (!w || w === 'default') continue;
    const i = w.indexOf('=');
    if (i <= 0) throw new Error(`--variants: "${w}" is not ENV=value (variants are ';'-separated lists of ENV=value, or "default")`);
    env[w.slice(0, i)] = w.slice(i + 1);
  }
  return env;
}

async function withEnv<T>(env: Record<string, string>, f: () => Promise<T>): Promise<T> {
  const old = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try { return await f(); } finally {
    for (const [k, v] of Object.entries(old)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
  }
}

export async function measure(size: string, variant: string, batch: number, seq: number, vocab: number, steps: number): Promise<MemoryRun> {
  const env = parseVariant(variant);
  return withEnv(env, async () => {
    await trimGpuPool();
    const cfg = benchConfig(size, vocab);
    let note: ((g: tf.NamedTensorMap) => void) | null = null;
    const ts = makeTrainStep(cfg, batch, seq, { capture: 'auto', onGrads: (g) => note?.(g) });
    const losses: number[] = [];
    try {
      // the weights on the GPU in their own buffers first (AdamW's first in-place update would do it inside the step)
      const be = activeWebgpu()!;
      for (const v of Object.values(ts.vars)) { ensureSoleOwner(be, v); bufferOf(be, v); }
      await trimGpuPool();
      let loss: tf.Scalar | null = null;
      const first = traceStep((noteGrads) => { note = noteGrads; loss = ts.step(); }, Object.values(ts.vars), batch * seq, vocab);
      note = null;
      losses.push((await loss!.data())[0]);
      (loss as tf.Scalar | null)?.dispose();
      let peak = Math.max(first.peak.allocated, gpuPoolBytes() ?? 0);
      for (let i = 1; i < steps; i++) {
        const l = ts.step();
        losses.push((await l.data())[0]);
        l.dispose();
        peak = Math.max(peak, gpuPoolBytes() ?? 0);
      }
      const st = ts.capture!.status();
      const mem = ts.capture!.memory();
      return {
        size, variant: variant.trim() || 'default', env, batch, seq, vocab, params: ts.params, first, peakPoolBytes: peak, poolAfterBytes: gpuPoolBytes() ?? 0,
        capture: { path: st.path, replayedSteps: st.replayedSteps, dispatches: st.dispatches, ...mem }, losses,
      };
    } finally {
      ts.dispose();
    }
  });
}

export function markdown(r: MemoryRecord): string {
  const out: string[] = [`gpu-memory on ${r.backend.name} (${r.backend.device}); MiB; the first (eager, recorded) step: what is live when its live buffers peak, and the pool's idle buffers at its high-water mark`];
  for (const size of [...new Set(r.runs.map((x) => x.size))]) {
    const runs = r.runs.filter((x) => x.size === size);
    const x0 = runs[0];
    out.push('', `**${size}**, b${x0.batch} x s${x0.seq}, vocab ${x0.vocab}, ${(x0.params / 1e6).toFixed(1)} M parameters`, '',
      `| category | ${runs.map((x) => x.variant).join(' | ')} |`, `|---|${runs.map(() => '--:').join('|')}|`);
    for (const c of CATEGORIES) out.push(`| ${c} | ${runs.map((x) => mib(x.first.peak.byCategory[c])).join(' | ')} |`);
    out.push(`| **pool at the first step's peak** | ${runs.map((x) => `**${mib(x.first.peak.allocated)}**`).join(' | ')} |`);
    out.push(`| live bytes' own peak (no idle pool buffers) | ${runs.map((x) => mib(x.first.peakUsed)).join(' | ')} |`);
    out.push(`| pool peak over all steps (gpu-compare's figure) | ${runs.map((x) => mib(x.peakPoolBytes)).join(' | ')} |`);
    out.push(`| pool once replaying | ${runs.map((x) => mib(x.poolAfterBytes)).join(' | ')} |`);
    out.push(`| of which template step buffers (count) | ${runs.map((x) => x.capture ? `${mib(x.capture.stepBytes)} (${x.capture.stepBuffers})` : 'n/a').join(' | ')} |`);
    out.push(`| commands per replayed step (dispatches + copies) | ${runs.map((x) => x.capture?.dispatches ?? 'n/a').join(' | ')} |`);
    out.push(`| step path, replayed steps | ${runs.map((x) => `${x.capture?.path} ${x.capture?.replayedSteps}`).join(' | ')} |`);
    out.push(`| losses | ${runs.map((x) => x.losses.map((l) => l.toFixed(6)).join(', ')).join(' | ')} |`);
    for (const x of runs) {
      out.push('', `largest tensors at the peak, ${x.variant}: ` + x.first.peak.largest.slice(0, 8).map((g) => `${g.category} [${g.shape}] x${g.count} = ${mib(g.bytes)}`).join('; '));
    }
  }
  return out.join('\n');
}

export const USAGE = `gpu-memory [--sizes base] [--batch 32] [--seq 128] [--vocab 30522] [--steps 5] [--backend webgpu]
           [--variants 'default;WID_LEAN_BACKPROP=off' (';'-separated; each 'default' or ENV=value words)]`;

export async function main(argv: string[]): Promise<MemoryRecord | undefined> {
  const { values } = parseArgs({
    args: argv,
    options: {
      sizes: { type: 'string', default: 'base' }, batch: { type: 'string', default: '32' }, seq: { type: 'string', default: '128' },
      vocab: { type: 'string', default: '30522' }, steps: { type: 'string', default: '5' }, backend: { type: 'string', default: 'webgpu' },
      variants: { type: 'string', default: 'default' }, help: { type: 'boolean', default: false },
    },
  });
  if (values.help) { console.log(USAGE); return undefined; }
  const batch = positiveInt('batch', values.batch), seq = positiveInt('seq', values.seq), vocab = positiveInt('vocab', values.vocab);
  const steps = Math.max(4, positiveInt('steps', values.steps)); // a step replays after two agreeing recordings
  const sizes = list('sizes', values.sizes);
  sizes.forEach((s) => benchConfig(s));
  const variants = values.variants!.split(';');
  variants.forEach(parseVariant);
  const backend = await selectBackend(values.backend as BackendPreference);
  if (backend.name !== 'webgpu') throw new Error(`gpu-memory traces tfjs-webgpu's buffer pool; backend ${backend.name} selected`);
  console.log(`gpu-memory: ${backend.name} — ${backend.device}`);
  const runs: MemoryRun[] = [];
  for (const size of sizes) {
    for (const v of variants) {
      const r = await measure(size, v, batch, seq, vocab, steps);
      runs.push(r);
      console.log(`${size} [${r.variant}]: first step peak ${mib(r.first.peak.allocated)} MiB (live ${mib(r.first.peakUsed)}), pool peak ${mib(r.peakPoolBytes)} MiB, `
        + `replaying ${mib(r.poolAfterBytes)} MiB; losses ${r.losses.map((l) => l.toFixed(6)).join(' ')}`);
    }
  }
  const record: MemoryRecord = { bench: 'gpu-memory', backend, runs };
  console.log('\n' + markdown(record));
  return record;
}
