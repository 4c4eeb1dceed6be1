// `npm run bench -- distill [options]`: the distillation loop (train/loop.ts) of one method on a
// teacher, as the job runs it. Prints steps/s and tokens/s after warm-up steps, and the peak bytes
// held in tensors during the run (tf.profile: teacher + student + optimiser + activations).
//   --method wid|distilbert|tinybert (default distilbert)   --teacher DIR (default the tiny test teacher)
//   --corpus FILE (default the test corpus)   --steps N (20)   --warmup N (3, excluded from the rates)
//   --batch N (8)   --seq N (64)   --backend wasm|cpu|webgpu|tensorflow|auto (wasm)
//   --preset NAME   --target '{"layers":1}'   --json
//   --data-only [--vocab FILE]: only corpus -> tokenizer -> packed batches (50 batches), tokens/s
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendPreference } from '../src-main/engine/backend/index.js';
import { distillJob, type DistillMethodName } from '../src-main/engine/jobs/distill.js';
import { BertTokenizer } from '../src-main/engine/tokenizer/index.js';
import { MlmBatcher } from '../src-main/engine/train/batcher.js';
import { LineCorpus } from '../src-main/engine/train/corpus.js';
import { corpusTokenizerFrom } from '../src-main/engine/train/corpus-tokenizer.js';
import type { JobContext } from '../src-main/engine/jobs/types.js';

const FIXTURES = new URL('../test/fixtures/', import.meta.url).pathname;

export async function main(argv: string[]): Promise<void> {
  const { values: a } = parseArgs({
    args: argv,
    options: {
      method: { type: 'string', default: 'distilbert' },
      teacher: { type: 'string', default: join(FIXTURES, 'bert/tiny-teacher') },
      corpus: { type: 'string', default: join(FIXTURES, 'corpus/pride-and-prejudice.txt') },
      steps: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '3' },
      batch: { type: 'string', default: '8' },
      seq: { type: 'string', default: '64' },
      backend: { type: 'string', default: 'wasm' },
      preset: { type: 'string' },
      target: { type: 'string' },
      json: { type: 'boolean', default: false },
      'data-only': { type: 'boolean', default: false },
      vocab: { type: 'string', default: join(FIXTURES, 'vocab/bert-base-uncased-vocab.txt') },
    },
  });
  if (a['data-only']) return benchData(a.corpus!, a.vocab!, Number(a.batch), Number(a.seq), a.json!);
  const method = a.method as DistillMethodName;
  const steps = Number(a.steps), warmup = Number(a.warmup);
  if (!(steps > warmup)) throw new Error(`--steps (${steps}) must exceed --warmup (${warmup})`);
  const backend = await selectBackend(a.backend as BackendPreference);
  const job = distillJob(method);
  const config = job.parseConfig({
    teacherPath: a.teacher, corpusPath: a.corpus, steps, batchSize: Number(a.batch), seqLen: Number(a.seq),
    warmupSteps: 1, checkpointEvery: 0, backend: a.backend, seed: 1,
    ...(a.preset ? { preset: a.preset } : {}), ...(a.target ? { target: JSON.parse(a.target) } : {}),
  });
  const workDir = mkdtempSync(join(tmpdir(), 'wid-bench-distill-'));
  const stamps: { step: number; t: number; tokens: number }[] = [];
  const ctx: JobContext = {
    runId: 0, workDir, seed: 1, backend, signal: new AbortController().signal, resume: false,
    progress: (p) => { if (p.phase === 'distill') stamps.push({ step: p.step, t: performance.now(), tokens: p.values.tokens ?? 0 }); },
    metric: () => {}, log: () => {}, artifact: () => {}, evaluation: () => {}, registerModel: () => {},
  };
  let result: Record<string, unknown> = {};
  const profile = await tf.profile(async () => { result = await job.run(config, ctx); return tf.scalar(0); });
  rmSync(workDir, { recursive: true, force: true });
  const measured = stamps.filter((s) => s.step > warmup);
  const start = stamps.find((s) => s.step === warmup)!;
  const seconds = (measured[measured.length - 1].t - start.t) / 1000;
  const tokens = measured.reduce((n, s) => n + s.tokens, 0);
  const out = {
    bench: 'distill', method, backend: backend.name, device: backend.device, teacher: a.teacher,
    batch: Number(a.batch), seq: Number(a.seq), steps, warmup,
    stepsPerSec: measured.length / seconds, msPerStep: (1000 * seconds) / measured.length, tokensPerSec: tokens / seconds,
    peakTensorBytes: profile.peakBytes,
    teacherParameters: result.teacherParameterCount, studentParameters: result.parameterCount, student: result.student,
    firstLoss: result.firstLoss, finalLoss: result.finalLoss,
  };
  if (a.json) console.log(JSON.stringify(out));
  else {
    console.log(`distill ${method} on ${backend.name} (${backend.device}), batch ${out.batch} x seq ${out.seq}, ${measured.length} steps after ${warmup} warm-up:`);
    console.log(`  ${out.stepsPerSec.toFixed(2)} steps/s (${out.msPerStep.toFixed(0)} ms/step), ${out.tokensPerSec.toFixed(0)} tokens/s, peak tensor memory ${(out.peakTensorBytes / 2 ** 20).toFixed(1)} MiB`);
    console.log(`  teacher ${out.teacherParameters} params -> student ${out.studentParameters} params ${JSON.stringify(out.student)}; loss ${out.firstLoss} -> ${out.finalLoss}`);
  }
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
