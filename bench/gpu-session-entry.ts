// One device call for issue 7 (GPU training speed) and issue 4 item 8 (WID benchmark on the GPU):
//   bash ../shared/gpu/pack.sh bench/gpu-session-entry.ts
//   (device, carry [".gpu"]) set -o pipefail; bash .gpu/run.sh [OPTIONS] 2>&1 | tee $OUT/log.txt
// In order, each part in try/catch (a failure is recorded and the next part runs), each skipped when
// less than its estimate is left before --deadline seconds of this process:
//   a  gpu-compare (bench/gpu-compare.ts): numeric check vs cpu, engine ms/step, PyTorch (cuda), ratio
//   a2 gpu-probe --no-ops --profile (bench/gpu-probe.ts): per-kernel GPU time of one training step
//   b  wid (bench/wid.ts) per size: WID steps/s, tokens/s, peak tensor bytes, full width and pruned
//   c  distillation job loop (jobs/distill.ts, as bench/distill.ts runs it) for distilbert and tinybert
//      on a random teacher of --distill-size saved to /tmp. bench/distill.ts itself wraps the whole
//      job in tf.profile, which on webgpu submits every kernel alone with a timestamp query, so its
//      steps/s would time the profiler; this part runs the same job with the same stamps, unprofiled.
// Before each part the tfjs-webgpu buffer pool's free buffers are destroyed, so the pool size after a
// part (tfjs' numBytesAllocatedInGPU; the pool only grows) is that part's peak GPU allocation.
// Writes $OUT/session.json (every part's status, wall time, pool peak, results) after each part;
// gpu-compare.json, gpu-probe-<label>.json and wid-bench-<size>-webgpu.json come from the mains.
// Local smoke test on SwiftShader (no GPU):
//   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json XDG_RUNTIME_DIR=/tmp OUT=/tmp/sess \
//     node --import tsx bench/gpu-session-entry.ts --compare-sizes tiny --compare-batch 2 --compare-seq 8 \
//     --compare-steps 1 --compare-warmup 1 --no-torch --probe-size tiny --probe-batch 2 --probe-seq 8 --probe-vocab 1000 \
//     --wid-sizes tiny --wid-batch 2 --wid-seq 16 --wid-steps 1 --distill-size tiny --distill-batch 2 --distill-seq 16 --distill-steps 3 --distill-warmup 1
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src-main/engine/backend/index.js';
import { initBertWeights, disposeWeights } from '../src-main/engine/bert/index.js';
import { saveHfModel } from '../src-main/engine/checkpoint/index.js';
import { distillJob, type DistillMethodName } from '../src-main/engine/jobs/distill.js';
import type { JobContext } from '../src-main/engine/jobs/types.js';
import { main as gpuCompare } from './gpu-compare.js';
import { main as gpuProbe } from './gpu-probe.js';
import { main as widBench, BENCH_SIZES as WID_SIZES } from './wid.js';

const T0 = performance.now();
const elapsed = () => (performance.now() - T0) / 1000;
const say = (msg: string) => console.log(`[session ${elapsed().toFixed(1)}s] ${msg}`);

const { values: o } = parseArgs({
  args: process.argv.slice(2),
  options: {
    deadline: { type: 'string', default: '540' },
    'compare-sizes': { type: 'string', default: 'small,base' },
    'compare-batch': { type: 'string', default: '32' },
    'compare-seq': { type: 'string', default: '128' },
    'compare-steps': { type: 'string', default: '10' },
    'compare-warmup': { type: 'string', default: '3' },
    'no-torch': { type: 'boolean', default: false },
    'probe-size': { type: 'string', default: 'base' },
    'probe-batch': { type: 'string', default: '32' },
    'probe-seq': { type: 'string', default: '128' },
    'probe-vocab': { type: 'string' },
    'wid-sizes': { type: 'string', default: 'small,base' },
    'wid-batch': { type: 'string', default: '32' },
    'wid-seq': { type: 'string', default: '128' },
    'wid-steps': { type: 'string', default: '5' },
    'distill-size': { type: 'string', default: 'base' },
    'distill-methods': { type: 'string', default: 'distilbert,tinybert' },
    'distill-batch': { type: 'string', default: '32' },
    'distill-seq': { type: 'string', default: '128' },
    'distill-steps': { type: 'string', default: '8' },
    'distill-warmup': { type: 'string', default: '3' },
    skip: { type: 'string', default: '' }, // comma list of parts to leave out: compare,probe,wid,distill
  },
});
const deadline = Number(o.deadline);
const skip = new Set(o.skip!.split(',').filter(Boolean));
const OUT = process.env.OUT;
if (OUT) mkdirSync(OUT, { recursive: true });

interface PartRecord { part: string; status: 'ok' | 'failed' | 'skipped'; wallS?: number; startedAtS?: number; poolBeforeMb?: number; poolPeakMb?: number; error?: string; result?: unknown }
const parts: PartRecord[] = [];
const session: Record<string, unknown> = { options: o, parts };

function writeSession(): void {
  if (!OUT) return;
  const p = join(OUT, 'session.json');
  writeFileSync(p + '.tmp', JSON.stringify(session, null, 2));
  renameSync(p + '.tmp', p);
}

type Mem = tf.MemoryInfo & { numBytesAllocatedInGPU?: number; numBytesInGPU?: number };
const poolMb = () => ((tf.memory() as Mem).numBytesAllocatedInGPU ?? 0) / 2 ** 20;

/** Destroys the free buffers of tfjs-webgpu's pool (keeps the keys: an empty map marks a disposed manager). */
async function trimPool(): Promise<void> {
  const be = tf.backend() as unknown as { bufferManager?: { freeBuffers: Map<string, { size: number; destroy(): void }[]>; numFreeBuffers: number; numBytesAllocated: number } };
  const bm = be.bufferManager;
  if (!bm) return;
  const probe = tf.zeros([4096]).add(1); // 4096: above tfjs' CPU forwarding; its read waits for the queue
  await probe.data();
  probe.dispose();
  for (const list of bm.freeBuffers.values()) {
    for (const b of list) { bm.numBytesAllocated -= b.size; b.destroy(); }
    list.length = 0;
  }
  bm.numFreeBuffers = 0;
}

async function part(name: string, estimateS: number, fn: () => Promise<unknown>): Promise<void> {
  const key = name.split(/[ :]/)[0];
  if (skip.has(key)) { parts.push({ part: name, status: 'skipped', error: 'skipped (--skip)' }); writeSession(); return; }
  const left = deadline - elapsed();
  if (left < estimateS) {
    say(`SKIP ${name}: ${left.toFixed(0)} s left before the ${deadline} s deadline, estimate ${estimateS} s`);
    parts.push({ part: name, status: 'skipped', error: `only ${left.toFixed(0)} s left (estimate ${estimateS} s)` });
    writeSession();
    return;
  }
  const rec: PartRecord = { part: name, status: 'failed', startedAtS: elapsed() };
  parts.push(rec);
  try { await trimPool(); } catch (e) { say(`trimPool failed: ${(e as Error).message}`); }
  rec.poolBeforeMb = poolMb();
  say(`START ${name} (pool ${rec.poolBeforeMb.toFixed(0)} MB)`);
  const t = performance.now();
  try {
    rec.result = await fn();
    rec.status = 'ok';
  } catch (e) {
    rec.error = (e as Error).stack ?? String(e);
    say(`FAILED ${name}: ${rec.error}`);
  }
  rec.wallS = (performance.now() - t) / 1000;
  rec.poolPeakMb = poolMb();
  say(`END ${name}: ${rec.status}, ${rec.wallS.toFixed(1)} s, pool peak ${rec.poolPeakMb.toFixed(0)} MB`);
  writeSession();
}

const FIXTURES = new URL('../test/fixtures/', import.meta.url).pathname;

/** A random-init BERT teacher of a bench size saved as a Hugging Face folder (with the bert-base-uncased vocab). */
async function saveRandomTeacher(size: string): Promise<string> {
  const cfg = WID_SIZES[size];
  if (!cfg) throw new Error(`unknown teacher size ${size}`);
  const vocabPath = join(FIXTURES, 'vocab/bert-base-uncased-vocab.txt');
  const c = cfg.vocabSize === 30522 ? cfg : { ...cfg, vocabSize: 30522 }; // the vocab file has 30522 entries
  const dir = join(mkdtempSync(join(tmpdir(), 'wid-session-teacher-')), size);
  const w = initBertWeights(c, 1, { mlmHead: true });
  try {
    await saveHfModel(dir, { config: c, weights: w, architecture: 'BertForMaskedLM', vocabPath, doLowerCase: true });
  } finally {
    disposeWeights(w);
  }
  return dir;
}

/** The distillation job's loop (as bench/distill.ts runs it) without tf.profile; steps/s over the steps after --distill-warmup. */
async function distillRun(method: DistillMethodName, teacherDir: string, backend: { name: string; device: string }): Promise<Record<string, unknown>> {
  const steps = Number(o['distill-steps']), warmup = Number(o['distill-warmup']);
  const batch = Number(o['distill-batch']), seq = Number(o['distill-seq']);
  if (!(steps > warmup)) throw new Error(`--distill-steps (${steps}) must exceed --distill-warmup (${warmup})`);
  const job = distillJob(method);
  const config = job.parseConfig({
    teacherPath: teacherDir, corpusPath: join(FIXTURES, 'corpus/pride-and-prejudice.txt'), steps, batchSize: batch, seqLen: seq,
    padTo: 'seqLen', warmupSteps: 1, checkpointEvery: 0, backend: backend.name, seed: 1,
  });
  const workDir = mkdtempSync(join(tmpdir(), 'wid-session-distill-'));
  const stamps: { step: number; t: number; tokens: number; loss: number }[] = [];
  let peakTensorBytesAtSteps = 0;
  const t0 = performance.now();
  const ctx: JobContext = {
    runId: 0, workDir, seed: 1, backend, signal: new AbortController().signal, resume: false,
    progress: (p) => {
      if (p.phase !== 'distill') return;
      stamps.push({ step: p.step, t: performance.now(), tokens: p.values.tokens ?? 0, loss: p.values.loss });
      peakTensorBytesAtSteps = Math.max(peakTensorBytesAtSteps, tf.memory().numBytes);
      say(`  ${method} step ${p.step}/${p.totalSteps}: loss ${p.values.loss?.toFixed(4)}, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    },
    metric: () => {}, log: (level, m) => { if (level !== 'info') say(`  ${method} ${level}: ${m}`); },
    artifact: () => {}, evaluation: () => {}, registerModel: () => {},
  };
  let result: Record<string, unknown> = {};
  let runError: string | undefined;
  try { result = await job.run(config, ctx); } catch (e) { runError = (e as Error).stack ?? String(e); say(`  ${method} job.run failed: ${runError}`); }
  rmSync(workDir, { recursive: true, force: true });
  const measured = stamps.filter((s) => s.step > warmup);
  const start = stamps.find((s) => s.step === warmup);
  if (!start || !measured.length) throw new Error(`${method}: only ${stamps.length} steps ran${runError ? `; ${runError}` : ''}`);
  const seconds = (measured[measured.length - 1].t - start.t) / 1000;
  const tokens = measured.reduce((n, s) => n + s.tokens, 0);
  const out = {
    bench: 'distill-job', method, backend: backend.name, device: backend.device, teacherSize: o['distill-size'],
    batch, seq, steps, warmup, measuredSteps: measured.length,
    stepsPerSec: measured.length / seconds, msPerStep: (1000 * seconds) / measured.length, tokensPerSec: tokens / seconds,
    firstStepMs: stamps[0].t - t0, // includes loading the teacher and building the student
    tensorBytesAfterStepsMax: peakTensorBytesAtSteps,
    teacherParameters: result.teacherParameterCount, studentParameters: result.parameterCount, student: result.student,
    firstLoss: result.firstLoss ?? stamps[0].loss, finalLoss: result.finalLoss ?? stamps[stamps.length - 1].loss,
    runError: runError ?? null,
  };
  console.log(JSON.stringify(out));
  return out;
}

// ---- the session ----
const backend = await selectBackend('webgpu');
session.backend = backend;
session.env = { WID_DAWN_OPTIONS: process.env.WID_DAWN_OPTIONS ?? null, WID_TFJS_FLAGS: process.env.WID_TFJS_FLAGS ?? null, WID_WEBGPU_KERNELS: process.env.WID_WEBGPU_KERNELS ?? null };
say(`backend ${backend.name} — ${backend.device}; deadline ${deadline} s`);
writeSession();

await part('compare: gpu-compare', 60, () => gpuCompare([
  '--backend', 'webgpu', '--sizes', o['compare-sizes']!, '--batch', o['compare-batch']!, '--seq', o['compare-seq']!,
  '--steps', o['compare-steps']!, '--warmup', o['compare-warmup']!, ...(o['no-torch'] ? ['--no-torch'] : ['--torch-device', 'cuda']),
]));
await part('probe: gpu-probe --profile', 40, () => gpuProbe([
  '--backend', 'webgpu', '--no-ops', '--profile', o['probe-size']!, '--batch', o['probe-batch']!, '--seq', o['probe-seq']!,
  '--label', `profile-${o['probe-size']}`, ...(o['probe-vocab'] ? ['--vocab', o['probe-vocab']] : []),
]));
for (const size of o['wid-sizes']!.split(',').filter(Boolean)) {
  await part(`wid: ${size}`, size === 'base' ? 90 : 40, () => widBench([
    '--size', size, '--backend', 'webgpu', '--batch', o['wid-batch']!, '--seq', o['wid-seq']!, '--steps', o['wid-steps']!,
  ]));
}
let teacherDir: string | undefined;
if (!skip.has('distill')) {
  await part(`distill: save random ${o['distill-size']} teacher`, 60, async () => { teacherDir = await saveRandomTeacher(o['distill-size']!); return { teacherDir }; });
}
for (const method of o['distill-methods']!.split(',').filter(Boolean) as DistillMethodName[]) {
  if (!teacherDir) break;
  await part(`distill: ${method}`, 45, () => distillRun(method, teacherDir!, backend));
}
session.totalWallS = elapsed();
writeSession();
say(`done: ${parts.map((p) => `${p.part}=${p.status}`).join(', ')}`);
process.exit(0);
