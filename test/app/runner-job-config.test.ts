// Issue 22 item 1: the config is parsed once, by the service; the runner hands that parsed config to the worker and
// the job runs it as it is (no second parse). Runs stored before the parsed config was kept are decoded by the runner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createService } from '../../src-main/app/service/index.js';
import { openStore } from '../../src-main/app/store/index.js';
import { parseSelftestConfig } from '../../src-main/engine/jobs/selftest.js';
import { makeHarness, tempHome } from './support/runner-harness.js';

test('runs.create stores the job\'s parsed config (defaults filled in) beside the request\'s config', async (t) => {
  const home = tempHome(t);
  const s = await createService({ home, mode: 'cli', startRunner: false });
  t.after(() => s.close());
  const run = await s.call('runs.create', { method: 'selftest', config: { steps: 3, backend: 'wasm', seed: 5 } });
  assert.deepEqual(run.config, { steps: 3, backend: 'wasm', seed: 5 });
  const store = openStore(s.dataDir);
  t.after(() => store.close());
  assert.deepEqual(store.runs.jobConfig(run.id), { steps: 3, delayMs: 0, batchSize: 8, seqLen: 16, learningRate: 0.01, backend: 'wasm', precision: 'auto', seed: 5 });
});

test('the worker runs the stored parsed config as it is, not a parse of the request\'s config', async (t) => {
  const h = makeHarness(tempHome(t));
  t.after(() => h.close());
  // the request said 40 steps; the parsed config (what the service decided) says 3: the job must run 3
  const run = h.store.runs.insert({
    name: 'st', method: 'selftest', seed: 1, config: { steps: 40, backend: 'wasm', seed: 1 },
    jobConfig: parseSelftestConfig({ steps: 3, backend: 'wasm', seed: 1 }),
  });
  h.runner.start();
  assert.equal(await h.waitForStatus(run.id, ['completed', 'failed', 'interrupted']), 'completed', h.store.runs.get(run.id)!.error ?? '');
  assert.equal(h.store.runs.get(run.id)!.progress?.totalSteps, 3);
});

test('a run stored without a parsed config is decoded by the runner; a broken one fails naming the field', async (t) => {
  const h = makeHarness(tempHome(t));
  t.after(() => h.close());
  const legacy = h.store.runs.insert({ name: 'old', method: 'selftest', seed: 0, config: { steps: 2, backend: 'wasm' } });
  const broken = h.store.runs.insert({ name: 'bad', method: 'selftest', seed: 0, config: { steps: 'many', backend: 'wasm' } });
  h.runner.start();
  assert.equal(await h.waitForStatus(legacy.id, ['completed', 'failed', 'interrupted']), 'completed');
  assert.equal(await h.waitForStatus(broken.id, ['completed', 'failed', 'interrupted']), 'failed');
  assert.match(h.store.runs.get(broken.id)!.error ?? '', /^steps: expected a positive integer up to 100000, got "many"$/);
});
