// The held-out MLM loss of a distillation student: the corpus tail the training never reads, scored every N steps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { distillJob, parseDistillConfig } from '../../src-main/engine/jobs/distill.js';
import type { JobContext } from '../../src-main/engine/jobs/types.js';
import { splitCorpusTail } from '../../src-main/engine/train/held-out.js';
import type { RunProgress } from '../../src-main/shared/api/types.js';

const TEACHER = new URL('../fixtures/bert/tiny-teacher', import.meta.url).pathname;
const CORPUS = new URL('../fixtures/corpus/pride-and-prejudice.txt', import.meta.url).pathname;
const BASE = { teacherPath: TEACHER, corpusPath: CORPUS, steps: 4, seqLen: 32, batchSize: 4, warmupSteps: 1, lr: 1e-3, backend: 'wasm', seed: 3 };

test('the held-out split keeps the last N lines with text out of the training file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wid-heldout-'));
  const corpus = join(dir, 'c.txt');
  writeFileSync(corpus, ['a1', 'a2', '', 'a3', 'b1', '', 'b2', ''].join('\n'));
  const { trainPath, holdoutPath } = splitCorpusTail(corpus, 2, join(dir, 'split'));
  assert.deepEqual(readFileSync(trainPath, 'utf8').split('\n').filter(Boolean), ['a1', 'a2', 'a3']);
  assert.deepEqual(readFileSync(holdoutPath, 'utf8').split('\n').filter(Boolean), ['b1', 'b2']);
  assert.throws(() => splitCorpusTail(corpus, 3, join(dir, 'other')), /5 lines with text, too few to hold out 3/);
});

test('a distillation with heldOutEvery reports the exported student\'s held-out MLM loss at step 0, every N steps and at the end', async () => {
  await selectBackend('wasm');
  const job = distillJob('distilbert');
  const config = job.parseConfig({ ...BASE, target: { layers: 1 }, heldOutEvery: 3, heldOutLines: 40, heldOutBatches: 2 });
  const workDir = mkdtempSync(join(tmpdir(), 'wid-job-heldout-'));
  const progress: RunProgress[] = [], metrics: [number, string, number][] = [];
  const ctx: JobContext = {
    runId: 1, workDir, seed: 3, backend: { name: 'wasm', device: 'test' }, signal: new AbortController().signal, resume: false,
    progress: (p) => progress.push(p), metric: (s, n, v) => metrics.push([s, n, v]), log: () => {}, artifact: () => {}, evaluation: () => {}, registerModel: () => {},
  };
  const before = tf.memory().numTensors;
  const result = await job.run(config, ctx) as { heldOut: { every: number; lines: number; batches: number; firstLoss: number; finalLoss: number } };
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  const steps = progress.filter((p) => 'loss/heldout-mlm' in p.values).map((p) => p.step);
  assert.deepEqual(steps, [3, 4]);
  assert.deepEqual(metrics.filter(([, n]) => n === 'loss/heldout-mlm').map(([s]) => s), [0]);
  assert.equal(result.heldOut.every, 3);
  assert.equal(result.heldOut.lines, 40);
  assert.ok(Number.isFinite(result.heldOut.firstLoss) && Number.isFinite(result.heldOut.finalLoss));
  assert.equal(progress.find((p) => p.step === 4)!.values['loss/heldout-mlm'], result.heldOut.finalLoss);
  // the training read the corpus without its tail
  const train = readFileSync(join(workDir, 'heldout', 'train.txt'), 'utf8');
  const tail = readFileSync(join(workDir, 'heldout', 'heldout.txt'), 'utf8');
  assert.ok(existsSync(join(workDir, 'heldout', 'train.txt')));
  assert.equal(train.length + tail.length + 1, readFileSync(CORPUS, 'utf8').length);
});

test('held-out options are checked, and off by default', () => {
  assert.equal(parseDistillConfig('distilbert', BASE).heldOutEvery, 0);
  const on = parseDistillConfig('distilbert', { ...BASE, heldOutEvery: 5 });
  assert.equal(on.heldOutLines, undefined); // the job holds out 3000 lines, or a tenth of the corpus' lines with text
  assert.equal(on.heldOutBatches, 8);
  assert.throws(() => parseDistillConfig('distilbert', { ...BASE, heldOutEvery: -1 }), /heldOutEvery: expected an integer >= 0/);
});
