import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { runDistillation, type DistillationOptions } from '../../src-main/engine/train/loop.js';
import type { RunProgress } from '../../src-main/shared/api/types.js';
import { listCheckpoints } from '../../src-main/engine/train/train-state.js';
import { studentMlmMethod, TINY_STUDENT } from './support/student-mlm-method.js';
import { wordTokenizer } from './support/word-tokenizer.js';

const CORPUS = new URL('../fixtures/corpus/pride-and-prejudice.txt', import.meta.url).pathname;
const workDir = () => mkdtempSync(join(tmpdir(), 'wid-loop-'));

function options(method: DistillationOptions['method'], dir: string, steps: number, extra: Partial<DistillationOptions> = {}): DistillationOptions {
  return {
    method, tokenizer: wordTokenizer(64), corpusPath: CORPUS,
    budget: { steps, seqLen: 32, batchSize: 8 },
    optimizer: { lr: 3e-3, warmupSteps: 2, weightDecay: 0.01, clipNorm: 1 },
    seed: 11, checkpointEvery: 0, workDir: dir, ...extra,
  };
}

test('the loop lowers the masked-LM loss of a tiny student and reports progress for every step', async () => {
  await selectBackend('wasm');
  // a larger vocabulary than the other tests so the frequent words stand out from uniform guessing
  const method = studentMlmMethod(1, 'test-student/', { ...TINY_STUDENT, vocabSize: 256 });
  const events: RunProgress[] = [];
  const summary = await runDistillation({
    ...options(method, workDir(), 40, { onProgress: (p) => events.push(p) }),
    tokenizer: wordTokenizer(256),
    optimizer: { lr: 2e-2, warmupSteps: 4, weightDecay: 0.01, clipNorm: 1 },
  });
  method.dispose();
  assert.equal(summary.steps, 40);
  assert.equal(events.length, 40);
  const e = events[10];
  assert.equal(e.phase, 'distill');
  assert.equal(e.totalSteps, 40);
  for (const key of ['loss', 'loss/mlm', 'lr', 'tokensPerSec', 'gradNorm', 'stepsSeen']) assert.ok(Number.isFinite(e.values[key]), key);
  assert.ok(e.etaSeconds !== null && e.etaSeconds >= 0);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  // per-batch losses are noisy (~40 masked tokens a batch): compare the start with the mean of the last 20
  const first = mean(events.slice(0, 3).map((p) => p.values.loss)), last = mean(events.slice(-20).map((p) => p.values.loss));
  assert.ok(last < first - 0.3, `loss ${first} -> ${last}`);
  // warm-up to the peak over 4 steps, then linear decay towards zero at step 40
  assert.equal(events[3].values.lr, 2e-2);
  assert.ok(Math.abs(events[39].values.lr - 2e-2 / 36) < 1e-12);
});

test('stopping and resuming gives the same next losses as an uninterrupted run', async () => {
  await selectBackend('wasm');
  const straight: number[] = [];
  const a = studentMlmMethod(2);
  await runDistillation(options(a, workDir(), 8, { onProgress: (p) => straight.push(p.values.loss) }));
  a.dispose();

  const dir = workDir();
  const controller = new AbortController();
  const firstPart: number[] = [];
  const b = studentMlmMethod(2);
  const stopped = await runDistillation(options(b, dir, 8, {
    signal: controller.signal,
    onProgress: (p) => { firstPart.push(p.values.loss); if (p.step === 3) controller.abort(); },
  }));
  b.dispose();
  assert.equal(stopped.stopped, true);
  assert.equal(stopped.steps, 3);
  assert.deepEqual(listCheckpoints(join(dir, 'checkpoints')).map((c) => c.step), [3]);

  const secondPart: number[] = [];
  const c = studentMlmMethod(99); // different init: everything must come from the checkpoint
  const resumed = await runDistillation(options(c, dir, 8, { resume: true, onProgress: (p) => secondPart.push(p.values.loss) }));
  assert.equal(c.stepsSeen, 8); // method JSON state restored, then 5 more steps
  c.dispose();
  assert.equal(resumed.resumedFromStep, 3);
  assert.equal(resumed.steps, 8);
  const joined = [...firstPart, ...secondPart];
  assert.equal(joined.length, 8);
  joined.forEach((l, i) => assert.ok(Math.abs(l - straight[i]) < 1e-5, `step ${i + 1}: ${l} vs ${straight[i]}`));
});

test('a training step leaves no tensors behind', async () => {
  await selectBackend('wasm');
  const method = studentMlmMethod(3);
  const counts: number[] = [];
  await runDistillation(options(method, workDir(), 6, { checkpointEvery: 2, onProgress: () => counts.push(tf.memory().numTensors) }));
  method.dispose();
  assert.deepEqual(counts.slice(1), counts.slice(1).map(() => counts[1]), `tensor counts per step: ${counts}`);
});

test('a fresh run refuses a work folder that already holds checkpoints', async () => {
  await selectBackend('wasm');
  const dir = workDir();
  const m1 = studentMlmMethod(4);
  await runDistillation(options(m1, dir, 1));
  m1.dispose();
  const m2 = studentMlmMethod(4);
  await assert.rejects(() => runDistillation(options(m2, dir, 1)), /already holds checkpoints/);
  m2.dispose();
});

test('impossible budgets are rejected naming the field', async () => {
  const m = studentMlmMethod(5);
  await assert.rejects(() => runDistillation(options(m, workDir(), 0)), /budget\.steps/);
  await assert.rejects(() => runDistillation({ ...options(m, workDir(), 2), optimizer: { lr: 0, warmupSteps: 0, weightDecay: 0, clipNorm: 1 } }), /optimizer\.lr/);
  m.dispose();
});

test("a method's afterStepAsync is used instead of afterStep and its values are reported", async () => {
  await selectBackend('wasm');
  const method = studentMlmMethod(6);
  const calls: number[] = [];
  method.afterStepAsync = async (step: number) => { calls.push(step); return { asyncValue: step * 10 }; };
  const events: RunProgress[] = [];
  await runDistillation(options(method, workDir(), 3, { onProgress: (p) => events.push(p) }));
  method.dispose();
  assert.deepEqual(calls, [0, 1, 2]);
  assert.equal(method.stepsSeen, 0); // the synchronous afterStep was not called
  assert.deepEqual(events.map((e) => e.values.asyncValue), [0, 10, 20]);
});

test('checkpointSeconds writes a checkpoint once that much time has passed since the last, and none before it', async () => {
  await selectBackend('wasm');
  // every step takes longer than a microsecond: a checkpoint after each of the 4 steps
  const often = workDir();
  const m1 = studentMlmMethod(5);
  await runDistillation(options(m1, often, 4, { checkpointSeconds: 1e-6, keepCheckpoints: 10 }));
  m1.dispose();
  assert.deepEqual(listCheckpoints(join(often, 'checkpoints')).map((c) => c.step), [1, 2, 3, 4]);
  // an hour: only the checkpoint at the end
  const rarely = workDir();
  const m2 = studentMlmMethod(5);
  await runDistillation(options(m2, rarely, 4, { checkpointSeconds: 3600, keepCheckpoints: 10 }));
  m2.dispose();
  assert.deepEqual(listCheckpoints(join(rarely, 'checkpoints')).map((c) => c.step), [4]);
  const m3 = studentMlmMethod(5);
  await assert.rejects(() => runDistillation(options(m3, workDir(), 1, { checkpointSeconds: -1 })), /checkpointSeconds must be >= 0/);
  m3.dispose();
});
