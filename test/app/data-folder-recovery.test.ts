// Issue 26: leftovers and half-done deletes. Temp files of a killed worker (step-N.safetensors.tmp-PID) are
// removed at start-up and on resume; runs.remove deletes the row before the files (the folder is moved aside
// until the row is gone), so a failed delete leaves both; a damaged wid.db is found by PRAGMA quick_check at
// start and reported in the log, system.info and `wid info`, with the backup to restore from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { ApiEvent } from '../../src-main/shared/api/events.js';
import { createService } from '../../src-main/app/service/index.js';
import { ApiError, type WorkerLauncher } from '../../src-main/app/service/contract.js';
import { openStore } from '../../src-main/app/store/index.js';
import { tempHome } from './support/runner-harness.js';
import { fillDisk, mountSmallDisk } from './support/small-disk.js';
import { runWid } from './support/runWid.js';

/** A worker that never answers and exits when killed. */
const idleWorker: WorkerLauncher = () => {
  let exit: ((code: number | null) => void) | null = null;
  return { send() {}, onMessage() {}, onExit(l) { exit = l; }, kill() { setImmediate(() => exit?.(null)); } };
};

const DEAD_PID = 99_999_999; // above any pid_max

function interruptedRun(home: string): { id: number; dir: string } {
  const store = openStore(home);
  const run = store.runs.insert({ name: 'r', method: 'selftest', config: {}, seed: 1 });
  store.runs.finish(run.id, 'interrupted', { error: 'killed' });
  store.close();
  const dir = join(home, 'runs', String(run.id), 'checkpoints');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'step-000000002.safetensors'), 'kept');
  return { id: run.id, dir };
}

test('temp files a killed worker left are removed at start-up; a live writer\'s and real checkpoints stay', async (t) => {
  const home = tempHome(t);
  const { dir } = interruptedRun(home);
  writeFileSync(join(dir, `step-000000003.safetensors.tmp-${DEAD_PID}`), Buffer.alloc(4096));
  writeFileSync(join(dir, `step-000000004.safetensors.tmp-${process.pid}`), 'being written');
  mkdirSync(join(home, 'runs', '1', `student.tmp-${DEAD_PID}`));
  const service = await createService({ home, mode: 'web', launchWorker: idleWorker });
  t.after(() => service.close());
  assert.deepEqual(readdirSync(dir).sort(), ['step-000000002.safetensors', `step-000000004.safetensors.tmp-${process.pid}`]);
  assert.equal(existsSync(join(home, 'runs', '1', `student.tmp-${DEAD_PID}`)), false);
});

test('resuming a run removes the temp files its killed worker left, and says so on the run\'s log', async (t) => {
  const home = tempHome(t);
  const { id, dir } = interruptedRun(home);
  const service = await createService({ home, mode: 'web', launchWorker: idleWorker });
  t.after(() => service.close());
  const events: ApiEvent[] = [];
  service.subscribe((e) => events.push(e));
  const leftover = join(dir, `step-000000003.safetensors.tmp-${DEAD_PID}`);
  writeFileSync(leftover, Buffer.alloc(4096));
  await service.call('runs.resume', { id });
  assert.equal(existsSync(leftover), false);
  assert.ok(existsSync(join(dir, 'step-000000002.safetensors')));
  assert.ok(events.some((e) => e.type === 'run.log' && e.runId === id && e.message.includes(`removed leftovers of an interrupted write: ${leftover} (4096 bytes)`)));
});

test('a run whose row cannot be deleted (full disk) keeps its row and its files; once there is room both go', { timeout: 60_000 }, async (t) => {
  const disk = mountSmallDisk(8);
  if ('skip' in disk) { t.skip(disk.skip); return; }
  t.after(() => disk.unmount());
  const home = join(disk.dir, 'home');
  const { id, dir } = interruptedRun(home);
  const service = await createService({ home, mode: 'cli', startRunner: false });
  t.after(() => service.close());
  const probe = new Database(join(home, 'wid.db'));
  probe.pragma('wal_checkpoint(TRUNCATE)');
  probe.close();
  const filler = join(disk.dir, 'filler');
  fillDisk(filler);
  await assert.rejects(service.call('runs.remove', { id }), (err: unknown) => err instanceof ApiError && err.code === 'insufficient_storage');
  assert.equal((await service.call('runs.get', { id })).id, id, 'the row stays');
  assert.ok(existsSync(join(dir, 'step-000000002.safetensors')), 'and so do its files');
  assert.deepEqual(readdirSync(join(home, 'runs')), [String(id)], 'nothing is left aside');
  rmSync(filler);
  await service.call('runs.remove', { id });
  await assert.rejects(service.call('runs.get', { id }), /not found/);
  assert.deepEqual(readdirSync(join(home, 'runs')), []);
});

test('a run folder moved aside by an interrupted removal is deleted at start-up', async (t) => {
  const home = tempHome(t);
  mkdirSync(join(home, 'runs', '.removed-7-1700000000000', 'checkpoints'), { recursive: true });
  const service = await createService({ home, mode: 'web', launchWorker: idleWorker });
  t.after(() => service.close());
  assert.deepEqual(readdirSync(join(home, 'runs')), []);
});

/** Overwrites the page in the middle of the file with garbage. */
function damageMiddlePage(file: string): void {
  const pages = Math.floor(statSync(file).size / 4096);
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, Math.floor(pages / 2) * 4096);
  closeSync(fd);
}

test('a damaged page in wid.db is reported at start (log, system.info, wid info) with the backup to restore from', { timeout: 90_000 }, async (t) => {
  const home = tempHome(t);
  const first = await createService({ home, mode: 'web', launchWorker: idleWorker });
  const backup = join(home, 'wid.db.backup');
  for (let i = 0; i < 100 && !existsSync(backup); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(existsSync(backup), 'a healthy start keeps a backup');
  await first.close();
  const store = openStore(home);
  const run = store.runs.insert({ name: 'r', method: 'selftest', config: {}, seed: 1 });
  store.metrics.insertMany(run.id, Array.from({ length: 20_000 }, (_, i) => ({ step: i, name: 'loss', value: i / 7 })));
  store.close();
  damageMiddlePage(join(home, 'wid.db'));

  const logged: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => { logged.push(String(chunk)); return true; }) as typeof process.stderr.write;
  let service;
  try { service = await createService({ home, mode: 'web', launchWorker: idleWorker }); }
  finally { process.stderr.write = write; }
  t.after(() => service.close());
  const damage = new RegExp(`the database ${join(home, 'wid.db')} is damaged \\(PRAGMA quick_check: .+\\); some runs may be missing or fail to load; a copy from the last healthy start \\(.+\\) is ${backup}: to restore it, stop the app and copy it over`);
  assert.match(logged.join(''), damage);
  const info = await service.call('system.info', {});
  assert.equal(info.database.ok, false);
  assert.ok(info.database.problems.length > 0);
  assert.equal(info.database.backup, backup);
  assert.match(info.database.message!, damage);
  assert.equal(new Database(backup, { readonly: true }).pragma('quick_check', { simple: true }), 'ok', 'the backup itself is sound');
  const cli = await runWid(['--home', home, 'info']);
  assert.match(cli.stdout, /database: DAMAGED: the database .* is damaged/);
  assert.match(cli.stderr, /wid: the database .* is damaged/);
});
