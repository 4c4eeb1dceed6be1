import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { loadHfModel } from '../../src-main/engine/checkpoint/index.js';
import { distillJob, parseDistillConfig } from '../../src-main/engine/jobs/distill.js';
import type { JobContext } from '../../src-main/engine/jobs/types.js';
import { decodeMaskEvent, encodeMaskEvent, MASK_LOG_FILE, maskLogTeacher, readMaskLog } from '../../src-main/engine/methods/wid/index.js';
import { sizesOfMasks, validateMasks } from '../../src-main/engine/methods/wid/masks.js';
import type { RunProgress } from '../../src-main/shared/api/types.js';

const TEACHER = new URL('../fixtures/bert/tiny-teacher', import.meta.url).pathname;
const CORPUS = new URL('../fixtures/corpus/pride-and-prejudice.txt', import.meta.url).pathname;
const BASE = { teacherPath: TEACHER, corpusPath: CORPUS, steps: 4, seqLen: 32, batchSize: 4, warmupSteps: 1, lr: 1e-3, backend: 'wasm', seed: 3 };

function fakeContext(workDir: string, signal = new AbortController().signal) {
  const seen = { progress: [] as RunProgress[], artifacts: [] as [string, string][], models: [] as { name: string; kind: string; path: string }[], logs: [] as string[] };
  const ctx: JobContext = {
    runId: 7, workDir, seed: 3, backend: { name: 'wasm', device: 'test' }, signal, resume: false,
    progress: (p) => seen.progress.push(p),
    metric: () => {},
    log: (_level, m) => seen.logs.push(m),
    artifact: (kind, path) => seen.artifacts.push([kind, path]),
    evaluation: () => {},
    registerModel: (m) => seen.models.push(m),
  };
  return { ctx, seen };
}

test('a distilbert job distils the tiny teacher, exports a loadable HF student and registers it', async () => {
  await selectBackend('wasm');
  const job = distillJob('distilbert');
  const config = job.parseConfig({ ...BASE, target: { layers: 1 } });
  const workDir = mkdtempSync(join(tmpdir(), 'wid-job-'));
  const { ctx, seen } = fakeContext(workDir);
  const before = tf.memory().numTensors;
  const result = await job.run(config, ctx);
  assert.equal(tf.memory().numTensors, before);
  assert.equal(result.steps, 4);
  assert.deepEqual(result.student, { layers: 1, hidden: 64, heads: 4, intermediate: 128 });
  assert.ok((result.parameterCount as number) < (result.teacherParameterCount as number));
  assert.ok(Number.isFinite(result.firstLoss as number) && Number.isFinite(result.finalLoss as number));
  // the result says how the steps ran: eager on wasm, and why (webgpu replays them: test/capture)
  assert.deepEqual(result.trainingStep, { path: 'eager', reason: 'backend wasm (capture needs webgpu)', replayedSteps: 0, eagerSteps: 4, captures: 0 });
  const distillEvents = seen.progress.filter((p) => p.phase === 'distill');
  assert.equal(distillEvents.length, 4);
  for (const k of ['loss', 'loss/ce', 'loss/mlm', 'loss/cos', 'lr', 'tokensPerSec']) assert.ok(k in distillEvents[0].values, k);
  const studentDir = join(workDir, 'student');
  assert.deepEqual(seen.artifacts, [['student', studentDir]]);
  assert.equal(seen.models[0].kind, 'student');
  assert.equal(seen.models[0].path, studentDir);
  assert.ok(existsSync(join(studentDir, 'vocab.txt')));
  const back = await loadHfModel(studentDir);
  assert.equal(back.config.numHiddenLayers, 1);
  tf.dispose(Object.values(back.weights));
});

test('a cancelled job stops with a checkpoint, exports nothing, and finishes when resumed', async () => {
  await selectBackend('wasm');
  const job = distillJob('distilbert');
  const config = job.parseConfig({ ...BASE, target: { layers: 1 } });
  const workDir = mkdtempSync(join(tmpdir(), 'wid-job-'));
  const controller = new AbortController();
  const { ctx, seen } = fakeContext(workDir, controller.signal);
  ctx.progress = (p) => { seen.progress.push(p); if (p.step === 2) controller.abort(); };
  const result = await job.run(config, ctx);
  assert.equal(result.stopped, true);
  assert.equal(result.steps, 2);
  assert.ok(existsSync(result.checkpoint as string));
  assert.equal(seen.models.length, 0);
  assert.ok(!existsSync(join(workDir, 'student')));

  const again = fakeContext(workDir);
  again.ctx.resume = true;
  const finished = await job.run(config, again.ctx);
  assert.equal(finished.steps, 4);
  assert.deepEqual(again.seen.progress.filter((p) => p.phase === 'distill').map((p) => p.step), [3, 4]);
  assert.equal(again.seen.models.length, 1);
  assert.deepEqual(readdirSync(join(workDir, 'checkpoints')), ['step-000000004.safetensors']);
});

test('config errors name the field and the impossible size', () => {
  assert.throws(() => parseDistillConfig('distilbert', { ...BASE, teacherPath: undefined }), /teacherPath/);
  const noVocab = mkdtempSync(join(tmpdir(), 'wid-teacher-'));
  copyFileSync(join(TEACHER, 'config.json'), join(noVocab, 'config.json'));
  assert.throws(() => parseDistillConfig('distilbert', { ...BASE, teacherPath: noVocab }), /teacherPath: .* has no vocab\.txt/);
  assert.throws(() => parseDistillConfig('distilbert', { ...BASE, corpusPath: '/nope.txt' }), /corpusPath: \/nope\.txt does not exist/);
  assert.throws(() => parseDistillConfig('distilbert', { ...BASE, seqLen: 512 }), /seqLen: 512 exceeds the teacher's max_position_embeddings \(128\)/);
  assert.throws(() => parseDistillConfig('distilbert', { ...BASE, batchTokens: 256 }), /give one of them/);
  assert.throws(() => parseDistillConfig('tinybert', { ...BASE, target: { hidden: 30, heads: 4 } }), /target\.hidden \(30\) must be divisible by target\.heads \(4\)/);
  assert.throws(() => parseDistillConfig('wid', { ...BASE, target: { hidden: 128, heads: 4, intermediate: 64 } }), /target\.hidden must be at most the teacher's hiddenSize 64/);
  assert.throws(() => parseDistillConfig('wid', { ...BASE }), /target .* or a preset/);
  assert.throws(() => parseDistillConfig('distilbert', { ...BASE, steps: 0 }), /steps: expected an integer >= 1/);
  assert.throws(() => parseDistillConfig('distilbert', { ...BASE, padTo: 'max' }), /padTo: expected "longest" or "seqLen"/);
  assert.equal(parseDistillConfig('wid', { ...BASE, preset: 'wid55' }).methodOptions.preset, 'wid55');
});

test('wid and tinybert jobs run through the same loop and export students of their target sizes (wid adds its attention artifact)', async () => {
  await selectBackend('wasm');
  const cases = [
    { method: 'wid' as const, extra: { target: { hidden: 32, heads: 4, intermediate: 64 }, wid: { pruneEvents: 1, pruneStart: 0, pruneEnd: 0.5 } }, size: { layers: 2, hidden: 32, heads: 4, intermediate: 64 }, artifacts: ['student', 'attention', 'masks'] },
    { method: 'tinybert' as const, extra: { target: { layers: 1, hidden: 32, heads: 4, intermediate: 64 } }, size: { layers: 1, hidden: 32, heads: 4, intermediate: 64 }, artifacts: ['student'] },
  ];
  for (const c of cases) {
    const job = distillJob(c.method);
    const config = job.parseConfig({ ...BASE, steps: 2, batchSize: 2, seqLen: 16, ...c.extra });
    const { ctx, seen } = fakeContext(mkdtempSync(join(tmpdir(), 'wid-job-')));
    const result = await job.run(config, ctx);
    assert.deepEqual(result.student, c.size, c.method);
    assert.deepEqual(seen.artifacts.map(([kind]) => kind), c.artifacts, c.method);
    assert.ok(Number.isFinite(result.finalLoss as number), c.method);
  }
});

test("each method's Adam follows its authors: DistilBERT beta2 0.98, WID without bias correction; a run config can override both", () => {
  const d = parseDistillConfig('distilbert', BASE);
  assert.equal(d.beta2, 0.98);
  assert.equal(d.correctBias, true);
  const w = parseDistillConfig('wid', { ...BASE, preset: 'wid55' });
  assert.equal(w.beta2, 0.999);
  assert.equal(w.correctBias, false);
  const t = parseDistillConfig('tinybert', BASE);
  assert.equal(t.beta2, 0.999);
  assert.equal(t.correctBias, true);
  const o = parseDistillConfig('wid', { ...BASE, preset: 'wid55', correctBias: true, beta2: 0.98 });
  assert.equal(o.correctBias, true);
  assert.equal(o.beta2, 0.98);
  assert.throws(() => parseDistillConfig('wid', { ...BASE, preset: 'wid55', correctBias: 'no' }), /correctBias: expected true or false/);
  assert.throws(() => parseDistillConfig('distilbert', { ...BASE, beta2: 1 }), /beta2: expected a number in \[0, 1\)/);
});

test('a WID job logs the exact masks of every mask event; a resumed run\'s log keeps one line per step, the latest attempt', async () => {
  await selectBackend('wasm');
  const job = distillJob('wid');
  // 4 steps under the authors' schedule: a mask event after every step, shrinking towards the target
  const config = job.parseConfig({ ...BASE, batchSize: 2, seqLen: 16, target: { hidden: 32, heads: 4, intermediate: 64 } });
  const workDir = mkdtempSync(join(tmpdir(), 'wid-job-'));
  const controller = new AbortController();
  const first = fakeContext(workDir, controller.signal);
  first.ctx.progress = (p) => { first.seen.progress.push(p); if (p.step === 2) controller.abort(); };
  assert.equal((await job.run(config, first.ctx)).stopped, true);
  assert.deepEqual(readMaskLog(join(workDir, MASK_LOG_FILE)).map((l) => l.step), [1, 2]);
  const again = fakeContext(workDir);
  again.ctx.resume = true;
  const result = await job.run(config, again.ctx);
  const teacher = (await loadHfModel(TEACHER));
  tf.dispose(Object.values(teacher.weights));
  const log = readMaskLog(join(workDir, MASK_LOG_FILE)).map((l) => decodeMaskEvent(l.text));
  assert.deepEqual(log.map((e) => e.step), [1, 2, 3, 4]);
  const progress = [...first.seen.progress, ...again.seen.progress].filter((p) => p.phase === 'distill');
  for (const e of log) {
    validateMasks(e.masks, teacher.config);
    const s = sizesOfMasks(e.masks), v = progress.find((p) => p.step === e.step)!.values;
    assert.deepEqual([s.hidden, s.heads, s.headDim, s.intermediate], [v['size/hidden'], v['size/heads'], v['size/headDim'], v['size/intermediate']], `step ${e.step}`);
  }
  assert.ok(sizesOfMasks(log[0].masks).intermediate > 64, 'the first event keeps more than the target');
  // the last event's masks are the student's
  const last = sizesOfMasks(log[3].masks);
  assert.deepEqual({ layers: 2, hidden: last.hidden, heads: last.heads, intermediate: last.intermediate }, result.student);
  assert.deepEqual(again.seen.artifacts.at(-1), ['masks', join(workDir, MASK_LOG_FILE)]);
});

test('the mask log round-trips any masks and, read back, a line at step s replaces the lines at s and after', () => {
  const t = { layers: 1, hidden: 8, heads: 2, intermediate: 12 };
  const masks = { residual: [0, 3, 5, 7], heads: [[1]], headDims: [[[0, 2, 3]]], intermediate: [[0, 9, 11]] };
  assert.deepEqual(decodeMaskEvent(encodeMaskEvent({ step: 5, event: 2, masks }, t)).masks, masks);
  const dir = mkdtempSync(join(tmpdir(), 'wid-masklog-'));
  const file = join(dir, MASK_LOG_FILE);
  const line = (step: number) => encodeMaskEvent({ step, event: step, masks }, t);
  writeFileSync(file, [line(1), line(2), line(3), line(2), line(3), '{"step":4,"event":4,"teach'].join('\n'));
  assert.deepEqual(readMaskLog(file).map((l) => l.step), [1, 2, 3]);
  assert.equal(maskLogTeacher({ numHiddenLayers: 2, hiddenSize: 64, numAttentionHeads: 4, intermediateSize: 128 } as never).hidden, 64);
});
