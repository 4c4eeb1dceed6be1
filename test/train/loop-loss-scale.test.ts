// The distillation loop with dynamic loss scaling (fp32 matmuls on wasm; loss-scale.test.ts tests the step itself):
// an overflowing step is skipped, not a divergence; the scale and the skipped steps are reported and summarised;
// a stopped run resumes with the scaler's state; steps that overflow at every scale end the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { runDistillation, type DistillationOptions } from '../../src-main/engine/train/loop.js';
import { MAX_SKIPPED_IN_A_ROW } from '../../src-main/engine/train/loss-scale.js';
import type { RunProgress } from '../../src-main/shared/api/types.js';
import { studentMlmMethod } from './support/student-mlm-method.js';
import { wordTokenizer } from './support/word-tokenizer.js';

const CORPUS = new URL('../fixtures/corpus/pride-and-prejudice.txt', import.meta.url).pathname;
const workDir = () => mkdtempSync(join(tmpdir(), 'wid-loop-ls-'));

/** The tiny MLM student whose loss (and so every gradient) is inf at the given 0-based steps. */
function poisoned(seed: number, steps: (s: number) => boolean, prefix = `ls-student-${seed}/`) {
  const method = studentMlmMethod(seed, prefix);
  const loss = method.loss.bind(method);
  method.loss = (batch, step) => {
    const r = loss(batch, step);
    return steps(step) ? { total: tf.mul(r.total, Infinity) as tf.Scalar, parts: r.parts } : r;
  };
  return method;
}

function options(method: DistillationOptions['method'], dir: string, steps: number, extra: Partial<DistillationOptions> = {}): DistillationOptions {
  return {
    method, tokenizer: wordTokenizer(64), corpusPath: CORPUS,
    budget: { steps, seqLen: 32, batchSize: 8 },
    optimizer: { lr: 3e-3, warmupSteps: 2, weightDecay: 0.01, clipNorm: 1 },
    seed: 11, checkpointEvery: 0, workDir: dir, lossScaling: 'dynamic', ...extra,
  };
}

test('the loop skips a step whose gradients overflow, reports the loss scale and the skipped steps, and summarises them', async () => {
  await selectBackend('wasm');
  const method = poisoned(2, (s) => s === 3);
  const events: RunProgress[] = [];
  const metrics: [number, string, number][] = [];
  const logs: string[] = [];
  const summary = await runDistillation(options(method, workDir(), 8, {
    onProgress: (p) => events.push(p), onMetric: (step, name, value) => metrics.push([step, name, value]), onLog: (_l, m) => logs.push(m),
  }));
  method.dispose();
  assert.equal(summary.steps, 8);
  assert.deepEqual(summary.lossScaling, { mode: 'dynamic', scale: 32768, skippedSteps: 1 });
  assert.deepEqual(events.map((e) => e.step), [1, 2, 3, 5, 6, 7, 8], 'the skipped step 4 is not a progress point');
  assert.deepEqual(events.map((e) => e.values.lossScale), [65536, 65536, 65536, 32768, 32768, 32768, 32768]);
  assert.deepEqual(events.map((e) => e.values.skippedSteps), [0, 0, 0, 1, 1, 1, 1]);
  assert.ok(events.every((e) => Number.isFinite(e.values.loss) && Number.isFinite(e.values.gradNorm)));
  assert.deepEqual(metrics.filter(([s]) => s === 4).map(([, n]) => n).sort(), ['lossScale', 'lr', 'skippedSteps', 'tokens']);
  assert.match(logs.join('\n'), /step 4: inf\/NaN gradients, step skipped/);
});

test('without loss scaling the same overflow is a divergence, as before', async () => {
  await selectBackend('wasm');
  const method = poisoned(2, (s) => s === 3);
  await assert.rejects(runDistillation(options(method, workDir(), 8, { lossScaling: 'off' })), /at step 4: training diverged/);
  method.dispose();
});

test('stopping and resuming a loss-scaled run gives the uninterrupted run\'s losses, scale and skipped steps', async () => {
  await selectBackend('wasm');
  const settings = { growthInterval: 2 };
  const straight: RunProgress[] = [];
  const a = poisoned(4, (s) => s === 1);
  const whole = await runDistillation(options(a, workDir(), 8, { lossScale: settings, onProgress: (p) => straight.push(p) }));
  a.dispose();

  const dir = workDir();
  const controller = new AbortController();
  const parts: RunProgress[] = [];
  const b = poisoned(4, (s) => s === 1, 'ls-resumed/');
  await runDistillation(options(b, dir, 8, { lossScale: settings, signal: controller.signal, onProgress: (p) => { parts.push(p); if (p.step === 4) controller.abort(); } }));
  b.dispose();
  const c = poisoned(77, (s) => s === 1, 'ls-resumed/'); // another init: everything comes from the checkpoint
  const resumed = await runDistillation(options(c, dir, 8, { lossScale: settings, resume: true, onProgress: (p) => parts.push(p) }));
  c.dispose();
  assert.equal(resumed.resumedFromStep, 4);
  assert.deepEqual(parts.map((p) => p.step), straight.map((p) => p.step));
  parts.forEach((p, i) => {
    assert.ok(Math.abs(p.values.loss - straight[i].values.loss) < 1e-5, `step ${p.step}: ${p.values.loss} vs ${straight[i].values.loss}`);
    assert.equal(p.values.lossScale, straight[i].values.lossScale, `step ${p.step}: scale`);
  });
  assert.deepEqual(resumed.lossScaling, whole.lossScaling);
  assert.equal(whole.lossScaling.skippedSteps, 1);
});

test(`a run whose gradients overflow at every scale stops after ${MAX_SKIPPED_IN_A_ROW} skipped steps in a row`, async () => {
  await selectBackend('wasm');
  const method = poisoned(5, () => true);
  await assert.rejects(runDistillation(options(method, workDir(), MAX_SKIPPED_IN_A_ROW + 5)), new RegExp(`skipped ${MAX_SKIPPED_IN_A_ROW} steps in a row.*training diverged`));
  method.dispose();
});
