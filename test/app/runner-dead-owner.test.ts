// Issue 15 item 3 (and the stalled half of item 1): a run whose runner process was killed (-9) is shown as
// interrupted by the next reader, in any process, without waiting for a runner to start on the data folder;
// a PID reused by another process does not keep it "running"; a running run that makes no step shows as stalled.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createService } from '../../src-main/app/service/index.js';
import { openStore } from '../../src-main/app/store/index.js';
import { runWid } from './support/runWid.js';
import { tempHome } from './support/runner-harness.js';

const root = new URL('../..', import.meta.url).pathname;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a run whose runner was killed -9 is interrupted for wid show, wid list and runs.get, naming the dead pid', { timeout: 90_000 }, async (t) => {
  const home = tempHome(t);
  const s = await createService({ home, mode: 'cli', startRunner: false });
  t.after(() => s.close());
  const run = await s.call('runs.create', { method: 'selftest', config: { steps: 300, delayMs: 200, backend: 'wasm' } });
  const owner = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/app/support/other-process-runner.ts'), home, String(run.id)],
    { cwd: root, stdio: 'ignore' });
  t.after(() => { if (owner.exitCode === null && owner.signalCode === null) owner.kill('SIGKILL'); });
  const store = openStore(home);
  t.after(() => store.close());
  // Watch the row itself: a service read here must not be the one that settles it.
  const deadline = Date.now() + 60_000;
  while (!((store.runs.get(run.id)?.progress?.step ?? 0) >= 1)) {
    assert.ok(Date.now() < deadline, `run never made a step (status ${store.runs.get(run.id)?.status})`);
    await sleep(100);
  }
  assert.equal(store.runs.get(run.id)!.status, 'running');
  const exited = new Promise((r) => owner.once('exit', r));
  owner.kill('SIGKILL');
  await exited;

  const shown = await runWid(['--home', home, 'show', String(run.id)]);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, new RegExp(`status {4}interrupted \\(the process that ran it \\(pid ${owner.pid}\\) is gone`));
  const listed = await runWid(['--home', home, 'list']);
  assert.match(listed.stdout, /interrupted/);
  assert.doesNotMatch(listed.stdout, /running/);
  const got = await s.call('runs.get', { id: run.id });
  assert.equal(got.status, 'interrupted');
  assert.ok(got.finishedAt);
  // and it can be resumed like any interrupted run
  assert.equal((await s.call('runs.resume', { id: run.id })).status, 'queued');
});

/** A service without a runner, one queued selftest run, and a second handle on the store to play the runner. */
async function queuedSelftest(t: TestContext) {
  const home = tempHome(t);
  const s = await createService({ home, mode: 'cli', startRunner: false });
  t.after(() => s.close());
  const run = await s.call('runs.create', { method: 'selftest', config: {} });
  const store = openStore(home);
  t.after(() => store.close());
  return { home, s, run, store };
}

test('a live process that reused the dead owner\'s pid does not keep its run running', async (t) => {
  const { home, s, run, store } = await queuedSelftest(t);
  // pid 1 always exists; a start time it never had says the recorded owner was another process
  store.runs.markRunning(run.id, 1);
  store.db.prepare("UPDATE runs SET owner_started = '-1' WHERE id = ?").run(run.id);
  assert.equal((await s.call('runs.get', { id: run.id })).status, 'interrupted');
});

test('a running run with no step for longer than the stall limit is reported stalled, in runs.get and wid show', async (t) => {
  const { home, s, run, store } = await queuedSelftest(t);
  store.runs.markRunning(run.id, process.pid); // owned by this (live) process
  store.runs.setProgress(run.id, { step: 3, totalSteps: 10, values: {}, etaSeconds: null });
  const fresh = await s.call('runs.get', { id: run.id });
  assert.equal(fresh.status, 'running');
  assert.equal(fresh.stalled, false);
  assert.ok(fresh.lastStepAt);
  const longAgo = new Date(Date.now() - 20 * 60_000).toISOString();
  store.db.prepare('UPDATE runs SET last_step_at = ? WHERE id = ?').run(longAgo, run.id);
  const stale = await s.call('runs.get', { id: run.id });
  assert.equal(stale.status, 'running', 'its owner is alive: stalled, not dead');
  assert.equal(stale.stalled, true);
  assert.equal(stale.lastStepAt, longAgo);
  // wid show runs in another process, so this test process is the run's live owner for it too
  const shown = await runWid(['--home', home, 'show', String(run.id)]);
  assert.match(shown.stdout, /status {4}running \(stalled: no step for a long time\)/);
  assert.match(shown.stdout, new RegExp(`last step ${longAgo}`));
});
