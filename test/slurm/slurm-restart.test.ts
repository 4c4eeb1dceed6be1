// Issue 28: a SLURM job outlives the workbench that submitted it. Killed (kill -9) or closed mid-run, the workbench
// leaves the run `running` (readers such as `wid list` do not mark it interrupted: its job still runs), and the next
// start finds the job and follows it from the last event it recorded: the run completes with every step once and
// every log line once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunRecord } from '../../src-main/shared/api/index.js';
import { createService, type Service } from '../../src-main/app/service/index.js';
import { runWid } from '../app/support/runWid.js';
import { startServeProcess, type ServeProcess } from '../app/support/serve-process.js';
import { jobState, localCluster, waitFor } from './support/local-cluster.js';

const cluster = localCluster();
const skip = 'skip' in cluster ? cluster.skip : false;
const env = () => (cluster as { env: Record<string, string> }).env;
const STEPS = 30;

function folders(t: { after: (fn: () => void | Promise<void>) => void }) {
  const home = mkdtempSync(join(tmpdir(), 'wid-slurm-restart-home-'));
  const shared = mkdtempSync(join(tmpdir(), 'wid-slurm-restart-shared-'));
  t.after(() => { rmSync(home, { recursive: true, force: true }); rmSync(shared, { recursive: true, force: true }); });
  return { home, shared };
}

async function checkFinished(s: Service, id: number): Promise<void> {
  const final = await waitFor(`run ${id} to complete`, async () => { const r = await s.call('runs.get', { id }); return ['queued', 'running'].includes(r.status) ? null : r; }, 90_000);
  const log = (await s.call('runs.log', { id })).map((l) => l.message);
  assert.equal(final.status, 'completed', `${final.error}\n${log.join('\n')}`);
  assert.equal(final.result?.steps, STEPS);
  const steps = (await s.call('runs.metrics', { id, names: ['loss'] })).map((p) => p.step).sort((a, b) => a - b);
  assert.deepEqual(steps, Array.from({ length: STEPS }, (_, i) => i + 1), 'every step once');
  assert.equal(log.filter((m) => /^job started on /.test(m)).length, 1, 'the job\'s own log lines are recorded once');
  assert.equal(log.filter((m) => /^submitted SLURM job /.test(m)).length, 1, 'submitted once');
  assert.ok(log.some((m) => /^following SLURM job \d+ again/.test(m)), log.join('\n'));
}

test('the workbench killed mid-run: the run stays running, and the next start follows its job to the end', { skip }, async (t) => {
  const { home, shared } = folders(t);
  let serve: ServeProcess | null = await startServeProcess(home, env());
  t.after(async () => { await serve?.close(); });
  assert.equal((await serve.call('targets.register', { name: 'mini', sharedDir: shared, gpus: 0, cpus: 1, timeLimit: '10:00' }, 30_000)).status, 200);
  const created = await serve.call('runs.create', { method: 'selftest', target: 'mini', config: { steps: STEPS, delayMs: 200, backend: 'cpu' } }, 30_000);
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const id = (created.body.result as RunRecord).id;
  const mid = await waitFor('step 4', async () => { const r = (await serve!.call('runs.get', { id })).body.result as RunRecord; return (r.progress?.step ?? 0) >= 4 ? r : null; }, 60_000);
  await serve.close(); // SIGKILL: nothing settles the run
  serve = null;

  const reader = await createService({ home, mode: 'cli', startRunner: false });
  try {
    const seen = await reader.call('runs.get', { id });
    assert.equal(seen.status, 'running', 'a reader does not mark a run whose cluster job still runs interrupted');
    assert.match(jobState(mid.remote!.jobId, env()) ?? '', /RUNNING|COMPLETED/);
  } finally { await reader.close(); }

  serve = await startServeProcess(home, env());
  const follower = await createService({ home, mode: 'cli', startRunner: false });
  try { await checkFinished(follower, id); } finally { await follower.close(); }
});

test('the app closed mid-run leaves the job running; reopened, it follows the job from where it stopped reading', { skip }, async (t) => {
  const { home, shared } = folders(t);
  Object.assign(process.env, env());
  const first = await createService({ home, mode: 'web' });
  await first.call('targets.register', { name: 'mini', sharedDir: shared, gpus: 0, cpus: 1, timeLimit: '10:00' });
  const run = await first.call('runs.create', { method: 'selftest', target: 'mini', config: { steps: STEPS, delayMs: 200, backend: 'cpu' } });
  const mid = await waitFor('step 4', async () => { const r = await first.call('runs.get', { id: run.id }); return (r.progress?.step ?? 0) >= 4 ? r : null; }, 60_000);
  await first.close();
  assert.equal(jobState(mid.remote!.jobId, env()), 'RUNNING', 'closing the app does not cancel the job');

  const second = await createService({ home, mode: 'web' });
  try { await checkFinished(second, run.id); } finally { await second.close(); }
});

test('`wid cancel` of a run whose job nobody follows takes the job off the cluster and ends the run cancelled', { skip }, async (t) => {
  const { home, shared } = folders(t);
  Object.assign(process.env, env());
  const app = await createService({ home, mode: 'web' });
  await app.call('targets.register', { name: 'mini', sharedDir: shared, gpus: 0, cpus: 1, timeLimit: '10:00' });
  const run = await app.call('runs.create', { method: 'selftest', target: 'mini', config: { steps: 400, delayMs: 100, backend: 'cpu' } });
  const mid = await waitFor('step 2', async () => { const r = await app.call('runs.get', { id: run.id }); return (r.progress?.step ?? 0) >= 2 ? r : null; }, 60_000);
  await app.close();

  const res = await runWid(['--home', home, 'cancel', String(run.id)], { env: env(), timeoutMs: 60_000 });
  assert.equal(res.code, 0, res.stderr);
  const reader = await createService({ home, mode: 'cli', startRunner: false });
  try {
    assert.equal((await reader.call('runs.get', { id: run.id })).status, 'cancelled');
  } finally { await reader.close(); }
  const state = await waitFor('the job to end', () => { const s = jobState(mid.remote!.jobId, env()); return s && s !== 'RUNNING' && s !== 'COMPLETING' ? s : null; }, 30_000);
  assert.equal(state, 'CANCELLED');
});
