// `npm run bench -- distill [options]`: the distillation loop (train/loop.ts) of one method on a
// teacher, as the job runs it. Prints steps/s and tokens/s after warm-up steps, and the peak bytes
// held in tensors during the run (tf.profile: teacher + student + optimiser + activations).
//   --method wid|distilbert|tinybert (default distilbert)   --teacher DIR (default the tiny test teacher)
//   --random-teacher tiny|mini|small|base: a random-init teacher of that size (bench/wid.ts sizes, the
//     bert-base-uncased vocab) saved to a temp folder instead of --teacher
//   --no-profile: no tf.profile around the job (on webgpu the profiler submits every kernel alone with a
//     timestamp query, so steps/s would time the profiler); the peak is then the largest tf.memory()
//     tensor bytes seen at a step, and the GPU pool figure is reported
//   --corpus FILE (default the test corpus)   --steps N (20)   --warmup N (3, excluded from the rates)
//   --batch N (8)   --seq N (64)   --backend wasm|cpu|webgpu|tensorflow|auto (wasm)
//   --preset NAME   --target '{"layers":1}'   --json
//   --precision fp32|f16-tc|auto (fp32; as the job: f16-tc with dynamic loss scaling)   --curve-every N (50): the
//     training loss averaged over windows of N steps (lossCurve), to compare precisions' curves
//   --data-only [--vocab FILE]: only corpus -> tokenizer -> packed batches (50 batches), tokens/s
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendPreference } from '../src-main/engine/backend/index.js';
import { distillJob, type DistillMethodName } from '../src-main/engine/jobs/distill.js';
import { BertTokenizer } from '../src-main/engine/tokenizer/index.js';
import { MlmBatcher } from '../src-main/engine/train/batcher.js';
import { LineCorpus } from '../src-main/engine/train/corpus.js';
import { corpusTokenizerFrom } from '../src-main/engine/train/corpus-tokenizer.js';
import type { JobContext } from '../src-main/engine/jobs/types.js';
import { initBertWeights, disposeWeights } from '../src-main/engine/bert/index.js';
import { saveHfModel } from '../src-main/engine/checkpoint/index.js';
import { BENCH_SIZES as TEACHER_SIZES } from './wid.js';
import { gpuPoolBytes, trimGpuPool } from './lib/gpu-pool.js';

const FIXTURES = new URL('../test/fixtures/', import.meta.url).pathname;

/**
 * The steps timed after `warmup`: the loop reads its losses in batches (train/lagged-reads.ts: every 8 steps on
 * webgpu), so progress arrives in bursts, every step of a burst stamped at the read. The clock starts at the end of the
 * burst that reports the warm-up's last step and counts only the steps reported after it: both ends are reads.
 */
export function measuredSteps<T extends { step: number; t: number }>(stamps: T[], warmup: number, burstGapMs = 1): { start: T | undefined; measured: T[] } {
  let i = stamps.findIndex((s) => s.step >= warmup);
  if (i < 0) return { start: undefined, measured: [] };
  while (i + 1 < stamps.length && stamps[i + 1].t - stamps[i].t < burstGapMs) i++;
  return { start: stamps[i], measured: stamps.slice(i + 1) };
}

export async function main(argv: string[]): Promise<unknown> {
  const { values: a } = parseArgs({
    args: argv,
    options: {
      method: { type: 'string', default: 'distilbert' },
      teacher: { type: 'string', default: join(FIXTURES, 'bert/tiny-teacher') },
      'random-teacher': { type: 'string' },
      'no-profile': { type: 'boolean', default: false },
      corpus: { type: 'string', default: join(FIXTURES, 'corpus/pride-and-prejudice.txt') },
      steps: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '3' },
      batch: { type: 'string', default: '8' },
      seq: { type: 'string', default: '64' },
      backend: { type: 'string', default: 'wasm' },
      preset: { type: 'string' },
      target: { type: 'string' },
      json: { type: 'boolean', default: false },
      precision: { type: 'string', default: 'fp32' },
      'curve-every': { type: 'string', default: '50' },
      'data-only': { type: 'boolean', default: false },
      vocab: { type: 'string', default: join(FIXTURES, 'vocab/bert-base-uncased-vocab.txt') },
    },
  });
  if (a['data-only']) return benchData(a.corpus!, a.vocab!, Number(a.batch), Number(a.seq), a.json!);
  const method = a.method as DistillMethodName;
  const steps = Number(a.steps), warmup = Number(a.warmup);
  if (!(steps > warmup)) throw new Error(`--steps (${steps}) must exceed --warmup (${warmup})`);
  const backend = await selectBackend(a.backend as BackendPreference);
  const teacherPath = a['random-teacher'] ? await saveRandomTeacher(a['random-teacher']) : a.teacher!;
  const job = distillJob(method);
  const config = job.parseConfig({
    teacherPath, corpusPath: a.corpus, ...(a['random-teacher'] ? { padTo: 'seqLen' } : {}), steps, batchSize: Number(a.batch), seqLen: Number(a.seq),
    warmupSteps: 1, checkpointEvery: 0, backend: a.backend, seed: 1, precision: a.precision,
    ...(a.preset ? { preset: a.preset } : {}), ...(a.target ? { target: JSON.parse(a.target) } : {}),
  });
  const workDir = mkdtempSync(join(tmpdir(), 'wid-bench-distill-'));
  const stamps: { step: number; t: number; tokens: number }[] = [];
  let tensorBytesAtSteps = 0;
  const losses = new Map<number, number>();
  const ctx: JobContext = {
    runId: 0, workDir, seed: 1, backend, signal: new AbortController().signal, resume: false,
    progress: (p) => {
      if (p.phase !== 'distill') return;
      if (p.values.loss !== undefined) losses.set(p.step, p.values.loss);
      stamps.push({ step: p.step, t: performance.now(), tokens: p.values.tokens ?? 0 });
      tensorBytesAtSteps = Math.max(tensorBytesAtSteps, tf.memory().numBytes);
    },
    metric: (step, name, value) => { if (name === 'loss') losses.set(step, value); }, log: () => {}, artifact: () => {}, evaluation: () => {}, registerModel: () => {},
  };
  let result: Record<string, unknown> = {};
  let peakTensorBytes: number;
  await trimGpuPool();
  try {
    if (a['no-profile']) {
      result = await job.run(config, ctx);
      peakTensorBytes = tensorBytesAtSteps;
    } else {
      const profile = await tf.profile(async () => { result = await job.run(config, ctx); return tf.scalar(0); });
      peakTensorBytes = profile.peakBytes;
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
    if (a['random-teacher']) rmSync(dirname(teacherPath), { recursive: true, force: true });
  }
  const pool = gpuPoolBytes();
  const { start, measured } = measuredSteps(stamps, warmup);
  if (!start || !measured.length) throw new Error(`${method}: no step reported after the read that ended the warm-up (${stamps.length} steps reported progress; give more --steps)`);
  const seconds = (measured[measured.length - 1].t - start.t) / 1000;
  const tokens = measured.reduce((n, s) => n + s.tokens, 0);
  const out = {
    bench: 'distill', method, backend: backend.name, device: backend.device, teacher: a['random-teacher'] ? `random ${a['random-teacher']}` : a.teacher,
    batch: Number(a.batch), seq: Number(a.seq), steps, warmup,
    stepsPerSec: measured.length / seconds, msPerStep: (1000 * seconds) / measured.length, tokensPerSec: tokens / seconds,
    peakTensorBytes, peakKind: a['no-profile'] ? 'max tf.memory() at a step' : 'tf.profile peakBytes',
    gpuPoolMb: pool === null ? null : pool / 2 ** 20,
    teacherParameters: result.teacherParameterCount, studentParameters: result.parameterCount, student: result.student,
    firstLoss: result.firstLoss, finalLoss: result.finalLoss, precision: result.precision ?? null, lossScaling: result.lossScaling ?? null,
    lossCurve: windowMeans(losses, Number(a['curve-every'])),
  };
  if (a.json) console.log(JSON.stringify(out));
  else {
    console.log(`distill ${method} on ${backend.name} (${backend.device}), batch ${out.batch} x seq ${out.seq}, ${measured.length} steps after ${warmup} warm-up:`);
    console.log(`  ${out.stepsPerSec.toFixed(2)} steps/s (${out.msPerStep.toFixed(0)} ms/step), ${out.tokensPerSec.toFixed(0)} tokens/s, peak tensor memory ${(out.peakTensorBytes / 2 ** 20).toFixed(1)} MiB`);
    console.log(`  teacher ${out.teacherParameters} params -> student ${out.studentParameters} params ${JSON.stringify(out.student)}; loss ${out.firstLoss} -> ${out.finalLoss}`);
  }
  return out;
}

/** The training loss averaged over consecutive windows of `every` steps: [{ step: the window's last step, loss }]. */
export function windowMeans(losses: Map<number, number>, every: number): { step: number; loss: number }[] {
  const out: { step: number; loss: number }[] = [];
  let sum = 0, n = 0;
  for (const step of [...losses.keys()].sort((x, y) => x - y)) {
    sum += losses.get(step)!; n++;
    if (step % every === 0) { out.push({ step, loss: sum / n }); sum = 0; n = 0; }
  }
  return out;
}

/** A random-init BERT teacher of a bench size saved as a Hugging Face folder (with the bert-base-uncased vocab). */
async function saveRandomTeacher(size: string): Promise<string> {
  const cfg = TEACHER_SIZES[size];
  if (!cfg) throw new Error(`--random-teacher must be one of ${Object.keys(TEACHER_SIZES).join(', ')}, got "${size}"`);
  const vocabPath = join(FIXTURES, 'vocab/bert-base-uncased-vocab.txt');
  const c = { ...cfg, vocabSize: 30522 }; // the vocab file has 30522 entries
  const dir = join(mkdtempSync(join(tmpdir(), 'wid-bench-teacher-')), size);
  const w = initBertWeights(c, 1, { mlmHead: true });
  try {
    await saveHfModel(dir, { config: c, weights: w, architecture: 'BertForMaskedLM', vocabPath, doLowerCase: true });
  } finally {
    disposeWeights(w);
  }
  return dir;
}

/** The data side alone: how many tokens/s reading, WordPiece tokenising and packing deliver. */
async function benchData(corpus: string, vocab: string, batch: number, seq: number, json: boolean): Promise<void> {
  const tokenizer = corpusTokenizerFrom(BertTokenizer.fromVocabFile(vocab, { lowercase: true }));
  const lines = new LineCorpus(corpus);
  const batcher = new MlmBatcher(lines, tokenizer, { seqLen: seq, batchSize: batch });
  const started = performance.now();
  let tokens = 0;
  for (let i = 0; i < 50; i++) for (const row of await batcher.nextRows()) tokens += row.length;
  const seconds = (performance.now() - started) / 1000;
  await lines.close();
  const out = { bench: 'distill-data', corpus, vocab, batch, seq, batches: 50, tokens, seconds, tokensPerSec: tokens / seconds };
  if (json) console.log(JSON.stringify(out));
  else console.log(`data only: 50 batches of ${batch} x ${seq} = ${tokens} tokens in ${seconds.toFixed(2)} s -> ${(tokens / seconds).toFixed(0)} tokens/s`);
}
