// The selftest job checkpoints when stopped and a resume continues exactly where it stopped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { selftestJob } from '../../src-main/engine/jobs/selftest.js';
import type { JobContext } from '../../src-main/engine/jobs/types.js';
import type { RunProgress } from '../../src-main/shared/api/types.js';
import { tempHome } from './support/runner-harness.js';

function context(workDir: string, resume: boolean, stopAfter?: number) {
  const controller = new AbortController();
  const steps: number[] = [];
  const ctx: JobContext = {
    runId: 1, workDir, seed: 5, resume, signal: controller.signal, backend: { name: 'wasm', device: 'test' },
    progress: (p: RunProgress) => { steps.push(p.step); if (p.step === stopAfter) controller.abort(); },
    metric() {}, log() {}, artifact() {}, evaluation() {}, registerModel() {},
  };
  return { ctx, steps };
}

test('a selftest stopped after step 4 and resumed ends with the same loss as one run straight through', async (t) => {
  await selectBackend('wasm');
  const config = selftestJob.parseConfig({ steps: 10, seed: 5, backend: 'wasm' });
  const straight = await selftestJob.run(config, context(tempHome(t), false).ctx);

  const dir = tempHome(t);
  const first = context(dir, false, 4);
  const partial = await selftestJob.run(config, first.ctx);
  assert.equal(partial.steps, 4);
  assert.ok(existsSync(join(dir, 'selftest-checkpoint.json')));
  const second = context(dir, true);
  const resumed = await selftestJob.run(config, second.ctx);
  assert.deepEqual(second.steps, [5, 6, 7, 8, 9, 10]);
  assert.equal(resumed.steps, 10);
  assert.equal(resumed.firstLoss, straight.firstLoss);
  assert.ok(Math.abs((resumed.finalLoss as number) - (straight.finalLoss as number)) < 1e-5,
    `resumed ${resumed.finalLoss} vs straight ${straight.finalLoss}`);
});

test('a selftest run, a checkpoint save and a resume leave no tensors behind', async (t) => {
  await selectBackend('wasm');
  const config = selftestJob.parseConfig({ steps: 3, seed: 1, backend: 'wasm' });
  const dir = tempHome(t);
  const before = tf.memory().numTensors;
  await selftestJob.run(config, context(dir, false, 2).ctx);
  await selftestJob.run(config, context(dir, true).ctx);
  assert.equal(tf.memory().numTensors, before);
});

test('selftest config errors name the field', () => {
  assert.throws(() => selftestJob.parseConfig({ steps: -3 }), /steps: expected a positive integer.*got -3/);
  assert.throws(() => selftestJob.parseConfig({ backend: 'tpu' }), /backend: expected one of auto/);
  assert.throws(() => selftestJob.parseConfig({ learningRate: 0 }), /learningRate: expected a learning rate in \(0, 1\), got 0/);
  assert.throws(() => selftestJob.parseConfig({ unknownKey: 1 }), /unknownKey: unknown option; expected one of .*steps/);
  assert.deepEqual(selftestJob.parseConfig({}).steps, 20);
});
