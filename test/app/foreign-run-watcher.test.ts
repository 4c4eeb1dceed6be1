// Runs another process executes reach this process's subscribers through the watcher's polls. A short run that
// starts and finishes between two polls was never announced (the UI kept showing it as it was); it must be,
// once, and runs this process finished itself must not be announced again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ForeignRunWatcher } from '../../src-main/app/runner/foreign-run-watcher.js';
import { openStore } from '../../src-main/app/store/index.js';
import type { ApiEvent } from '../../src-main/shared/api/index.js';
import { tempHome } from './support/runner-harness.js';

function setup(t: Parameters<typeof tempHome>[0]) {
  const home = tempHome(t);
  const mine = openStore(home), other = openStore(home); // two connections, as two processes have
  t.after(() => { mine.close(); other.close(); });
  const events: ApiEvent[] = [];
  const watcher = new ForeignRunWatcher(mine, (e) => events.push(e), 60_000);
  const statuses = (id: number) => events.filter((e) => e.type === 'run.status' && e.runId === id).map((e) => (e as { status: string }).status);
  return { mine, other, events, watcher, statuses };
}
const newRun = (store: ReturnType<typeof openStore>) => store.runs.insert({ name: 'x', method: 'selftest', config: {}, seed: 1 });

test('a foreign run that is queued, runs and completes between two polls is announced completed, once', (t) => {
  const { other, watcher, statuses } = setup(t);
  watcher.start(); // first poll primes
  t.after(() => watcher.stop());
  const run = newRun(other);
  other.runs.markRunning(run.id, process.pid);
  other.runs.finish(run.id, 'completed', { result: { steps: 1 } });
  watcher.tick();
  assert.deepEqual(statuses(run.id), ['completed']);
  watcher.tick();
  watcher.tick();
  assert.deepEqual(statuses(run.id), ['completed'], 'not announced again while it stays in the finished-since window');
});

test('a foreign run seen running is announced when it completes; a run this process finished and noted is not re-announced', (t) => {
  const { mine, other, watcher, statuses } = setup(t);
  watcher.start();
  t.after(() => watcher.stop());
  const foreign = newRun(other);
  other.runs.markRunning(foreign.id, process.pid);
  watcher.tick();
  other.runs.finish(foreign.id, 'failed', { error: 'boom' });
  watcher.tick();
  assert.deepEqual(statuses(foreign.id), ['running', 'failed']);

  const local = newRun(mine);
  watcher.noteLocal({ type: 'run.status', runId: local.id, status: 'queued', error: null });
  mine.runs.markRunning(local.id);
  watcher.noteLocal({ type: 'run.status', runId: local.id, status: 'running', error: null });
  mine.runs.finish(local.id, 'completed');
  watcher.noteLocal({ type: 'run.status', runId: local.id, status: 'completed', error: null });
  watcher.tick();
  watcher.tick();
  assert.deepEqual(statuses(local.id), [], 'events this process emitted itself are not repeated');
});
