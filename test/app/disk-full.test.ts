// Issue 26: a full disk is a clear error on the affected run or call, never a crash. On a real 8 MiB tmpfs
// (skipped where mount is not permitted): a run whose worker fails while SQLite cannot write keeps its worker's
// message and is settled once there is room; calls that must write answer 507 naming what to free; an export
// onto a full disk answers 507 with the size it needs; the server keeps serving throughout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { ApiEvent } from '../../src-main/shared/api/events.js';
import { createService } from '../../src-main/app/service/index.js';
import { ApiError, type WorkerLauncher } from '../../src-main/app/service/contract.js';
import { startWebServer } from '../../src-main/app/web/server.js';
import { openStore } from '../../src-main/app/store/index.js';
import { fillDisk, mountSmallDisk, type SmallDisk } from './support/small-disk.js';
import { tempHome } from './support/runner-harness.js';
import { TINY } from './support/hostile-files.js';

const WORKER_MESSAGE = 'could not write the checkpoint /x/step-000000003.safetensors: the disk is full (ENOSPC); nothing was half-written, the previous checkpoint is kept: free space and resume the run';

function smallDisk(t: { skip: (reason: string) => void; after: (fn: () => void) => void }): SmallDisk | null {
  const disk = mountSmallDisk(8);
  if ('skip' in disk) { t.skip(disk.skip); return null; }
  t.after(() => disk.unmount());
  return disk;
}

/** A worker the test drives: it answers nothing until told to. */
function controlledWorker() {
  let send: ((m: unknown) => void) | null = null;
  let exit: ((code: number | null) => void) | null = null;
  const launch: WorkerLauncher = () => ({
    send() {}, onMessage(l) { send = l; }, onExit(l) { exit = l; }, kill() { setImmediate(() => exit?.(null)); },
  });
  return { launch, say: (m: unknown) => send!(m), exit: (code: number) => exit!(code) };
}

async function until(pred: () => boolean, what: string, ms = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a run that fails while the disk is full keeps its worker\'s message, is settled when there is room, and the service keeps serving', { timeout: 60_000 }, async (t) => {
  const disk = smallDisk(t);
  if (!disk) return;
  const home = join(disk.dir, 'home');
  const worker = controlledWorker();
  const service = await createService({ home, mode: 'web', launchWorker: worker.launch });
  t.after(() => service.close());
  const events: ApiEvent[] = [];
  service.subscribe((e) => events.push(e));
  const run = await service.call('runs.create', { method: 'selftest', config: { steps: 5 } });
  await until(() => events.some((e) => e.type === 'run.status' && e.runId === run.id && e.status === 'running'), 'the run to start');

  // No slack left in the WAL, then no free byte on the disk: the next SQLite write is SQLITE_FULL.
  const probe = new Database(join(home, 'wid.db'));
  t.after(() => probe.close());
  probe.pragma('wal_checkpoint(TRUNCATE)');
  const filler = join(disk.dir, 'filler');
  fillDisk(filler);
  assert.throws(() => probe.prepare("UPDATE runs SET notes = 'probe' WHERE id = ?").run(run.id), /full/i, 'the disk is full for SQLite too');

  worker.say({ type: 'failed', error: WORKER_MESSAGE });
  worker.exit(1);
  await until(() => events.some((e) => e.type === 'run.status' && e.runId === run.id && e.status === 'failed'), 'the failure to be announced');
  const announced = events.find((e) => e.type === 'run.status' && e.runId === run.id && e.status === 'failed') as Extract<ApiEvent, { type: 'run.status' }>;
  assert.equal(announced.error, WORKER_MESSAGE);
  assert.ok(events.some((e) => e.type === 'run.log' && e.runId === run.id && /could not record that run \d+ ended failed .*retrying/.test(e.message)));

  // still serving: reads answer, writes answer 507 naming the folder and what to free
  assert.equal((await service.call('system.info', {})).dataDir, home);
  assert.equal((await service.call('runs.get', { id: run.id })).id, run.id);
  await assert.rejects(service.call('runs.create', { method: 'selftest', config: {} }), (err: unknown) => {
    assert.ok(err instanceof ApiError);
    assert.equal(err.code, 'insufficient_storage');
    assert.match(err.message, new RegExp(`runs\\.create: the disk holding ${home} is full \\(SQLITE_FULL, \\d+ bytes free\\); nothing was changed: free space on that disk`));
    return true;
  });

  rmSync(filler);
  await until(() => openStore(home).runs.get(run.id)?.status === 'failed', 'the failure to be recorded once there is room', 15_000);
  const stored = await service.call('runs.get', { id: run.id });
  assert.equal(stored.status, 'failed');
  assert.equal(stored.error, WORKER_MESSAGE, 'the worker\'s own message, not "the app exited"');
});

test('exporting a student onto a full disk answers 507 naming the size it needs, and leaves nothing behind', { timeout: 60_000 }, async (t) => {
  const disk = smallDisk(t);
  if (!disk) return;
  const home = tempHome(t);
  const store = openStore(home);
  const run = store.runs.insert({ name: 'done', method: 'selftest', config: {}, seed: 1 });
  store.runs.finish(run.id, 'completed', { result: {} });
  store.artifacts.insert({ runId: run.id, kind: 'student', path: TINY, size: 1, sha256: 'x' });
  store.close();
  const service = await createService({ home, mode: 'web', startRunner: false });
  t.after(() => service.close());
  const server = await startWebServer({ service, port: 0, staticDir: home });
  t.after(() => server.close());
  const exports = join(disk.dir, 'exports');
  mkdirSync(exports);
  const filler = join(disk.dir, 'filler');
  fillDisk(filler);

  const res = await fetch(`http://127.0.0.1:${server.port}/api/call/runs.exportStudent`, {
    method: 'POST', headers: { 'x-wid-token': server.token }, body: JSON.stringify({ id: run.id, dir: join(exports, 'student') }),
  });
  const body = await res.json() as { error: { code: string; message: string } };
  assert.equal(res.status, 507, JSON.stringify(body));
  assert.equal(body.error.code, 'insufficient_storage');
  assert.match(body.error.message, new RegExp(`exporting the student to ${exports}/student: the disk holding ${exports} is full \\(ENOSPC, \\d+ bytes free\\); it needs \\d+\\.\\d MiB; nothing was changed: free at least that much there, or choose a folder on another disk`));
  assert.deepEqual(readdirSync(exports), [], 'no half-copied folder is left');

  rmSync(filler);
  const ok = await service.call('runs.exportStudent', { id: run.id, dir: join(exports, 'student') });
  assert.ok(existsSync(join(ok.path, 'model.safetensors')));
});
