// Runner: cancel, pause, a killed worker, a dead app, and resume.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeHarness, tempHome } from './support/runner-harness.js';

// Slow enough (delayMs per step) that the test can act while the job is mid-way.
const SLOW = { steps: 200, delayMs: 50, backend: 'wasm', seed: 1 };

test('cancelling a running job stops it at a step boundary and ends it cancelled', async (t) => {
  const h = makeHarness(tempHome(t));
  t.after(() => h.close());
  const run = h.store.runs.insert({ name: 'c', method: 'selftest', config: SLOW, seed: 1 });
  h.runner.start();
  await h.waitForEvent((e) => e.type === 'run.progress' && e.runId === run.id && e.progress.step >= 2);
  h.runner.cancel(run.id);
  assert.equal(await h.waitForStatus(run.id, ['cancelled', 'completed', 'interrupted', 'failed']), 'cancelled');
  const done = h.store.runs.get(run.id)!;
  assert.ok((done.progress?.step ?? 0) < 200, 'stopped before the last step');
  assert.equal(done.error, null);
});

test('a worker that ignores cancel is killed after the grace period and the run still ends cancelled', async (t) => {
  const h = makeHarness(tempHome(t), { killAfterMs: 200 });
  t.after(() => h.close());
  const run = h.store.runs.insert({ name: 'k', method: 'selftest', config: SLOW, seed: 1 });
  h.runner.start();
  await h.waitForEvent((e) => e.type === 'run.progress' && e.runId === run.id);
  // Swallow the cancel message so the worker never sees it.
  const worker = h.workers.get(run.id)!;
  worker.send = () => {};
  h.runner.cancel(run.id);
  assert.equal(await h.waitForStatus(run.id, ['cancelled', 'completed', 'interrupted']), 'cancelled');
});

test('pausing a running job ends it paused, and resume continues it from its checkpoint to completion', async (t) => {
  const h = makeHarness(tempHome(t));
  t.after(() => h.close());
  const run = h.store.runs.insert({ name: 'p', method: 'selftest', config: { ...SLOW, steps: 40, delayMs: 20 }, seed: 1 });
  h.runner.start();
  await h.waitForEvent((e) => e.type === 'run.progress' && e.runId === run.id);
  h.runner.pause(run.id);
  assert.equal(await h.waitForStatus(run.id, ['paused', 'completed']), 'paused');
  h.events.length = 0;
  h.store.runs.requeue(run.id);
  assert.equal(h.store.runs.resumeRequested(run.id), true);
  h.runner.pump();
  assert.equal(await h.waitForStatus(run.id, ['completed', 'failed', 'interrupted']), 'completed');
  assert.equal(h.store.runs.resumeRequested(run.id), false);
  // the job continued from its checkpoint: every step recorded exactly once
  assert.deepEqual(h.store.metrics.list(run.id, ['loss']).map((p) => p.step), Array.from({ length: 40 }, (_, i) => i + 1));
  assert.ok(h.events.some((e) => e.type === 'run.log' && /resuming after step/.test(e.message)));
});

test('a worker killed with SIGKILL leaves the run interrupted with the exit code, and its metrics remain', async (t) => {
  const h = makeHarness(tempHome(t));
  t.after(() => h.close());
  const run = h.store.runs.insert({ name: 'x', method: 'selftest', config: SLOW, seed: 1 });
  h.runner.start();
  await h.waitForEvent((e) => e.type === 'run.progress' && e.runId === run.id && e.progress.step >= 3);
  h.workers.get(run.id)!.kill(); // SIGKILL
  assert.equal(await h.waitForStatus(run.id, ['interrupted', 'completed', 'cancelled']), 'interrupted');
  const dead = h.store.runs.get(run.id)!;
  assert.match(dead.error ?? '', /exited \(code 137\)/);
  assert.ok(h.store.metrics.list(run.id, ['loss']).length >= 3);
});

test('a run left running by a dead app is interrupted at the next start, and resume re-runs it', async (t) => {
  const home = tempHome(t);
  const first = makeHarness(home);
  const run = first.store.runs.insert({ name: 'o', method: 'selftest', config: { steps: 3, backend: 'wasm' }, seed: 1 });
  first.store.runs.markRunning(run.id); // as if the app died mid-run
  first.store.metrics.insertMany(run.id, [{ step: 1, name: 'loss', value: 4 }]);
  first.store.close();

  const h = makeHarness(home);
  t.after(() => h.close());
  h.runner.start();
  const after = h.store.runs.get(run.id)!;
  assert.equal(after.status, 'interrupted');
  assert.match(after.error ?? '', /app exited/);
  assert.equal(h.store.metrics.list(run.id).length, 1);
  h.events.length = 0;
  h.store.runs.requeue(run.id);
  h.runner.pump();
  assert.equal(await h.waitForStatus(run.id, ['completed', 'failed', 'interrupted']), 'completed');
});
