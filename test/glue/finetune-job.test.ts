import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { loadHfModel } from '../../src-main/engine/checkpoint/index.js';
import { disposeWeights } from '../../src-main/engine/bert/index.js';
import { jobFor } from '../../src-main/engine/jobs/registry.js';
import type { JobContext } from '../../src-main/engine/jobs/types.js';
import type { RunProgress } from '../../src-main/shared/api/types.js';

const TEACHER = 'test/fixtures/bert/tiny-teacher';

function recordingContext(workDir: string, signal = new AbortController().signal) {
  const rec = { progress: [] as RunProgress[], evaluations: [] as { task: string; metric: string; value: number; modelPath?: string }[], artifacts: [] as [string, string][] };
  const ctx: JobContext = {
    runId: 1, workDir, seed: 0, backend: { name: 'wasm', device: 'test' }, signal, resume: false,
    progress: (p) => rec.progress.push(p), metric: () => {}, log: () => {},
    artifact: (kind, path) => rec.artifacts.push([kind, path]),
    evaluation: (e) => rec.evaluations.push(e), registerModel: () => {},
  };
  return { ctx, rec };
}

test('finetune job stores dev metrics, task score and efficiency as evaluations of the model, and saves the classifier', async () => {
  await selectBackend('wasm');
  const workDir = mkdtempSync(join(tmpdir(), 'wid-ft-'));
  const before = tf.memory().numTensors;
  try {
    const job = jobFor('finetune');
    const config = job.parseConfig({
      modelPath: TEACHER, gluePath: 'test/fixtures/glue', tasks: ['RTE', 'WNLI'], lr: 1e-3, epochs: 1, batchSize: 16, maxLength: 32,
      maxTrainRows: 32, maxDevRows: 24, saveModel: true, efficiencyIters: 1, backend: 'wasm',
    });
    const { ctx, rec } = recordingContext(workDir);
    const result = await job.run(config, ctx) as { tasks: Record<string, { best: { score: number }; seconds: { train: number; evaluate: number } }>; efficiency: { latencyMsBatch1: number } };
    for (const [task, r] of Object.entries(result.tasks)) assert.ok(r.seconds.train > 0 && r.seconds.evaluate > 0, `${task}: ${JSON.stringify(r.seconds)}`);
    const names = rec.evaluations.map((e) => `${e.task}/${e.metric}`);
    assert.deepEqual(names, ['RTE/accuracy', 'RTE/score', 'WNLI/accuracy', 'WNLI/score',
      'efficiency/parameterCount', 'efficiency/flopsPerToken', 'efficiency/fileSize', 'efficiency/latencyMsBatch1', 'efficiency/throughputBatch32']);
    assert.ok(rec.evaluations.every((e) => e.modelPath === TEACHER), 'every evaluation names the model by the path it was given');
    assert.ok(result.efficiency.latencyMsBatch1 > 0);
    // progress: loss and lr each step, dev metrics qualified by split because the run has two tasks
    assert.equal(rec.progress.filter((p) => p.phase !== 'efficiency').length, 4);
    assert.ok(rec.progress.some((p) => p.values['dev/RTE/accuracy'] !== undefined && p.values.loss !== undefined && p.values.lr !== undefined));
    assert.deepEqual(rec.artifacts.map(([k]) => k), ['finetuned/RTE', 'finetuned/WNLI']);
    const saved = await loadHfModel(join(workDir, 'finetuned', 'RTE'));
    assert.equal(saved.architecture, 'BertForSequenceClassification');
    assert.equal(saved.config.numLabels, 2);
    disposeWeights(saved.weights);
    assert.equal(tf.memory().numTensors, before);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
});

test('a malformed training row fails the finetune job with file and line before the model is loaded', async () => {
  await selectBackend('wasm');
  const { writeFileSync, mkdirSync, copyFileSync } = await import('node:fs');
  const glue = mkdtempSync(join(tmpdir(), 'wid-glue-'));
  try {
    mkdirSync(join(glue, 'RTE'));
    copyFileSync('test/fixtures/glue/RTE/dev.tsv', join(glue, 'RTE', 'dev.tsv'));
    writeFileSync(join(glue, 'RTE', 'train.tsv'), 'index\tsentence1\tsentence2\tlabel\n0\ta\tb\tentailment\n1\ta\tb\tmaybe\n');
    const job = jobFor('finetune');
    const { ctx } = recordingContext(glue);
    await assert.rejects(job.run(job.parseConfig({ modelPath: TEACHER, gluePath: glue, task: 'RTE' }), ctx), /RTE[\\/]train\.tsv:3: RTE label "maybe"/);
  } finally {
    rmSync(glue, { recursive: true, force: true });
  }
});

test('cancelling a finetune run stops it at the next step after the cancel', async () => {
  await selectBackend('wasm');
  const job = jobFor('finetune');
  const abort = new AbortController();
  const { ctx, rec } = recordingContext(tmpdir(), abort.signal);
  const origProgress = ctx.progress;
  // progress arrives a few steps behind (losses are read in batches): cancel on the first report
  let stepAtCancel = -1;
  ctx.progress = (p) => { origProgress(p); if (stepAtCancel < 0) { stepAtCancel = p.step; queueMicrotask(() => abort.abort()); } };
  const config = job.parseConfig({ modelPath: TEACHER, gluePath: 'test/fixtures/glue', task: 'RTE', epochs: 3, batchSize: 8, maxLength: 32, maxTrainRows: 256, maxDevRows: 8, lr: 2e-5, efficiency: false });
  const err = await job.run(config, ctx).then(() => null, (e: Error) => e);
  const m = /fine-tuning cancelled at step (\d+)/.exec(String(err?.message));
  assert.ok(m, `expected a cancel, got ${err}`);
  // every step reported before the cancel was seen; no more than one read batch (16 steps) trained after it
  assert.ok(stepAtCancel >= 1 && Number(m[1]) >= stepAtCancel && Number(m[1]) <= stepAtCancel + 16, `cancel seen at ${stepAtCancel}, stopped at ${m[1]}`);
  assert.ok(Number(m[1]) < 3 * 32, 'stopped before the end');
  assert.equal(rec.evaluations.length, 0);
});

test('evaluate job stores the efficiency figures of a model', async () => {
  await selectBackend('wasm');
  const job = jobFor('evaluate');
  const { ctx, rec } = recordingContext(tmpdir());
  const result = await job.run(job.parseConfig({ modelPath: TEACHER, batchSizes: [1, 32], seqLen: 32, iters: 1, warmup: 0 }), ctx) as { parameterCount: number; fileSize: number };
  assert.deepEqual(rec.evaluations.map((e) => e.metric), ['parameterCount', 'flopsPerToken', 'fileSize', 'latencyMsBatch1', 'throughputBatch32']);
  assert.ok(rec.evaluations.every((e) => e.task === 'efficiency' && e.modelPath === TEACHER && e.value > 0));
  const teacher = await loadHfModel(TEACHER);
  assert.equal(result.parameterCount, Object.values(teacher.weights).reduce((n, t) => n + t.size, 0));
  disposeWeights(teacher.weights);
});

test('MNLI is scored on matched and mismatched dev sets, each stored as its own task column', async () => {
  await selectBackend('wasm');
  const { writeFileSync, mkdirSync } = await import('node:fs');
  const glue = mkdtempSync(join(tmpdir(), 'wid-mnli-'));
  try {
    // MNLI's dev layout (16 columns, gold_label last); sentences drawn from the RTE slice, labels by rule.
    const cols = ['index', 'promptID', 'pairID', 'genre', 'sentence1_binary_parse', 'sentence2_binary_parse', 'sentence1_parse', 'sentence2_parse', 'sentence1', 'sentence2', 'label1', 'label2', 'label3', 'label4', 'label5', 'gold_label'];
    const labels = ['contradiction', 'entailment', 'neutral'];
    const rows = (n: number) => Array.from({ length: n }, (_, i) => {
      const l = labels[i % 3];
      return [String(i), '1', `${i}e`, 'fiction', '(a)', '(b)', '(A)', '(B)', `premise number ${i}`, `hypothesis ${l}`, l, l, l, l, l, l].join('\t');
    });
    mkdirSync(join(glue, 'MNLI'));
    for (const [file, n] of [['train.tsv', 24], ['dev_matched.tsv', 9], ['dev_mismatched.tsv', 6]] as const) {
      writeFileSync(join(glue, 'MNLI', file), `${cols.join('\t')}\n${rows(n).join('\n')}\n`);
    }
    const job = jobFor('finetune');
    const { ctx, rec } = recordingContext(glue);
    await job.run(job.parseConfig({ modelPath: TEACHER, gluePath: glue, task: 'MNLI', lr: 1e-3, epochs: 1, batchSize: 8, maxLength: 16, efficiency: false }), ctx);
    assert.deepEqual(rec.evaluations.map((e) => `${e.task}/${e.metric}`), ['MNLI-m/accuracy', 'MNLI-m/score', 'MNLI-mm/accuracy', 'MNLI-mm/score']);
    const last = rec.progress[rec.progress.length - 1].values;
    assert.ok('dev/MNLI-m/accuracy' in last && 'dev/MNLI-mm/accuracy' in last && 'dev/MNLI/score' in last);
  } finally {
    rmSync(glue, { recursive: true, force: true });
  }
});
