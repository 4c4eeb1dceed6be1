// Runner: the selftest job runs in a child process and its results land in the store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeHarness, tempHome } from './support/runner-harness.js';

test('a queued selftest run completes in a worker process with metrics, progress and backend/device recorded', async (t) => {
  const h = makeHarness(tempHome(t));
  t.after(() => h.close());
  const run = h.store.runs.insert({ name: 'st', method: 'selftest', config: { steps: 12, backend: 'wasm', seed: 3 }, seed: 3 });
  h.runner.start();
  assert.equal(await h.waitForStatus(run.id, ['completed', 'failed', 'interrupted']), 'completed');
  const done = h.store.runs.get(run.id)!;
  assert.equal(done.backend, 'wasm');
  assert.match(done.device ?? '', /wasm/);
  assert.equal(done.progress?.step, 12);
  const result = done.result as { firstLoss: number; finalLoss: number; parameterCount: number };
  assert.ok(result.finalLoss < result.firstLoss, `loss should fall: ${result.firstLoss} -> ${result.finalLoss}`);
  assert.ok(result.parameterCount > 0);
  const losses = h.store.metrics.list(run.id, ['loss']);
  assert.deepEqual(losses.map((p) => p.step), Array.from({ length: 12 }, (_, i) => i + 1));
  assert.equal(h.store.metrics.list(run.id, ['lr', 'tokensPerSec']).length, 24);
  assert.ok(h.events.some((e) => e.type === 'run.progress' && e.runId === run.id));
  assert.ok(done.startedAt && done.finishedAt);
});

test('runs queue one at a time by default and all complete', async (t) => {
  const h = makeHarness(tempHome(t));
  t.after(() => h.close());
  const a = h.store.runs.insert({ name: 'a', method: 'selftest', config: { steps: 2, backend: 'wasm' }, seed: 0 });
  const b = h.store.runs.insert({ name: 'b', method: 'selftest', config: { steps: 2, backend: 'wasm' }, seed: 0 });
  h.runner.start();
  assert.equal(h.store.runs.get(b.id)!.status, 'queued');
  await h.waitForStatus(a.id, ['completed']);
  await h.waitForStatus(b.id, ['completed']);
  assert.ok(h.store.runs.get(b.id)!.startedAt! >= h.store.runs.get(a.id)!.finishedAt!);
});

test('a job that throws ends failed with its message as the error and its stack on the run log', async (t) => {
  const h = makeHarness(tempHome(t));
  t.after(() => h.close());
  // written behind the service's back (no parsed config stored), so only the runner's decode sees the bad value
  const run = h.store.runs.insert({ name: 'bad', method: 'selftest', config: { steps: -1, backend: 'wasm' }, seed: 0 });
  h.runner.start();
  assert.equal(await h.waitForStatus(run.id, ['failed', 'completed', 'interrupted']), 'failed');
  assert.match(h.store.runs.get(run.id)!.error ?? '', /^steps: expected a positive integer/);
  assert.ok(h.events.some((e) => e.type === 'run.log' && e.level === 'error' && /ConfigError/.test(e.message)));
});
