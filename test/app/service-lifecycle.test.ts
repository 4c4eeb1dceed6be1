// Service with its runner started: a selftest run end to end through the API and its events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createService } from '../../src-main/app/service/index.js';
import { openStore } from '../../src-main/app/store/index.js';
import type { Service } from '../../src-main/app/service/contract.js';
import type { ApiEvent, RunStatus } from '../../src-main/shared/api/index.js';
import { tempHome } from './support/runner-harness.js';

/** Records every event from now on; `status` resolves when the run has reached one of the statuses (also in the past). */
function recorder(s: Service) {
  const events: ApiEvent[] = [];
  const all: ApiEvent[] = [];
  const waiters = new Set<() => void>();
  s.subscribe((e) => { events.push(e); all.push(e); for (const w of [...waiters]) w(); });
  const status = (runId: number, wanted: RunStatus[]) => new Promise<RunStatus>((resolve, reject) => {
    const check = () => {
      const hit = events.find((e) => e.type === 'run.status' && e.runId === runId && wanted.includes(e.status));
      if (hit) { waiters.delete(check); clearTimeout(timer); events.splice(0, events.indexOf(hit) + 1); resolve((hit as { status: RunStatus }).status); }
    };
    const timer = setTimeout(() => { waiters.delete(check); reject(new Error(`run ${runId} never became ${wanted.join('/')}`)); }, 45_000);
    waiters.add(check);
    check();
  });
  return { events, all, status };
}

test('runs.create starts a selftest that streams progress events and completes with backend and device recorded', async (t) => {
  const s = await createService({ home: tempHome(t), mode: 'web' });
  t.after(() => s.close());
  const rec = recorder(s);
  const events = [...rec.events];
  s.subscribe((e) => events.push(e));
  const run = await s.call('runs.create', { method: 'selftest', config: { steps: 5, backend: 'wasm', seed: 2 } });
  assert.equal(await rec.status(run.id, ['completed', 'failed', 'interrupted']), 'completed');
  const done = await s.call('runs.get', { id: run.id });
  assert.equal(done.backend, 'wasm');
  assert.ok(done.device);
  assert.equal(typeof done.result?.finalLoss, 'number');
  assert.deepEqual((await s.call('runs.metrics', { id: run.id, names: ['loss'] })).map((p) => p.step), [1, 2, 3, 4, 5]);
  const steps = events.filter((e) => e.type === 'run.progress' && e.runId === run.id).map((e) => (e as { progress: { step: number } }).progress.step);
  assert.deepEqual(steps, [1, 2, 3, 4, 5]);
  assert.deepEqual(events.filter((e) => e.type === 'run.status' && e.runId === run.id).map((e) => (e as { status: string }).status), ['queued', 'running', 'completed']);
});

test('runs.pause then runs.resume through the API finishes the run; a completed run cannot be resumed', async (t) => {
  const s = await createService({ home: tempHome(t), mode: 'web' });
  t.after(() => s.close());
  const rec = recorder(s);
  const run = await s.call('runs.create', { method: 'selftest', config: { steps: 60, delayMs: 30, backend: 'wasm' } });
  await rec.status(run.id, ['running']);
  await s.call('runs.pause', { id: run.id });
  assert.equal(await rec.status(run.id, ['paused', 'completed']), 'paused');
  const resumed = await s.call('runs.resume', { id: run.id });
  assert.equal(resumed.status === 'queued' || resumed.status === 'running', true);
  assert.equal(await rec.status(run.id, ['completed', 'failed', 'interrupted']), 'completed');
  await assert.rejects(s.call('runs.resume', { id: run.id }), /is completed: only interrupted, cancelled, failed, paused runs can be resumed/);
  await assert.rejects(s.call('runs.pause', { id: run.id }), /only queued or running runs can be paused/);
});

test('closing the service kills a running job and leaves it interrupted', async (t) => {
  const home = tempHome(t);
  const s = await createService({ home, mode: 'web' });
  const rec = recorder(s);
  const run = await s.call('runs.create', { method: 'selftest', config: { steps: 500, delayMs: 50, backend: 'wasm' } });
  await rec.status(run.id, ['running']);
  await s.close();
  const again = await createService({ home, mode: 'cli', startRunner: false });
  t.after(() => again.close());
  const after = await again.call('runs.get', { id: run.id });
  assert.equal(after.status, 'interrupted');
  assert.match(after.error ?? '', /the app was closed/);
});

test('a second process on the same data folder can cancel a run the first one executes, and does not mark it interrupted', async (t) => {
  const home = tempHome(t);
  const owner = await createService({ home, mode: 'web' });
  t.after(() => owner.close());
  const rec = recorder(owner);
  const run = await owner.call('runs.create', { method: 'selftest', config: { steps: 500, delayMs: 50, backend: 'wasm' } });
  await rec.status(run.id, ['running']);
  // a CLI process started with its own runner must leave the live run alone, and its cancel reaches the owner
  const cli = spawnSync(process.execPath, ['--import', 'tsx', 'test/app/support/other-process-cancel.ts', home, String(run.id)], { encoding: 'utf8' });
  assert.equal(cli.status, 0, cli.stderr);
  assert.deepEqual(JSON.parse(cli.stdout.trim().split('\n').pop()!), { before: 'running', after: 'running' });
  assert.equal(await rec.status(run.id, ['cancelled', 'completed', 'interrupted']), 'cancelled');
});

test('cancelling a run whose owning process is gone settles it at once', async (t) => {
  const home = tempHome(t);
  const s = await createService({ home, mode: 'cli', startRunner: false });
  t.after(() => s.close());
  const run = await s.call('runs.create', { method: 'selftest', config: {} });
  const store = openStore(home);
  store.runs.markRunning(run.id, spawnSync(process.execPath, ['-e', '0']).pid!); // that process has exited
  store.close();
  assert.equal((await s.call('runs.cancel', { id: run.id })).status, 'cancelled');
});

test('subscribers see progress and status of a run that another process executes', async (t) => {
  const home = tempHome(t);
  const s = await createService({ home, mode: 'cli', startRunner: false });
  t.after(() => s.close());
  const rec = recorder(s);
  const run = await s.call('runs.create', { method: 'selftest', config: { steps: 4, delayMs: 300, backend: 'wasm' } });
  const other = spawn(process.execPath, ['--import', 'tsx', 'test/app/support/other-process-runner.ts', home, String(run.id)], { stdio: 'ignore' });
  t.after(() => { other.kill(); });
  assert.equal(await rec.status(run.id, ['running']), 'running');
  assert.equal(await rec.status(run.id, ['completed', 'failed', 'interrupted']), 'completed');
  const progressSteps = rec.all.filter((e) => e.type === 'run.progress' && e.runId === run.id).map((e) => (e as { progress: { step: number } }).progress.step);
  assert.ok(progressSteps.length >= 2 && progressSteps.includes(4), `progress steps seen: ${progressSteps}`);
  // each status change arrives once
  const statuses = rec.all.filter((e) => e.type === 'run.status' && e.runId === run.id).map((e) => (e as { status: string }).status);
  assert.deepEqual(statuses, ['queued', 'running', 'completed']);
});
