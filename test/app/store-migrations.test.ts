// Store: schema migrations, pragmas, foreign keys and transactions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, openDatabase } from '../../src-main/app/store/database.js';
import { openStore } from '../../src-main/app/store/index.js';
import { MIGRATIONS } from '../../src-main/app/store/migrations.js';

function tempHome(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'wid-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('migrations apply once: reopening the same file applies nothing and keeps the data', (t) => {
  const home = tempHome(t);
  const store = openStore(home);
  store.runs.insert({ name: 'a', method: 'selftest', config: {}, seed: 1 });
  assert.deepEqual(migrate(store.db), []);
  store.close();
  const again = openStore(home);
  const versions = (again.db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version);
  assert.deepEqual(versions, MIGRATIONS.map((m) => m.version));
  assert.equal(again.runs.list().length, 1);
  again.close();
});

test('the database runs in WAL mode with foreign keys on', (t) => {
  const db = openDatabase(join(tempHome(t), 'wid.db'));
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
  db.close();
});

test('a metric for a run that does not exist is refused by the foreign key', (t) => {
  const store = openStore(tempHome(t));
  assert.throws(() => store.metrics.insertMany(999, [{ step: 0, name: 'loss', value: 1 }]), /FOREIGN KEY/);
  store.close();
});

test('a failing batch of metrics writes none of its points', (t) => {
  const store = openStore(tempHome(t));
  const run = store.runs.insert({ name: 'a', method: 'selftest', config: {}, seed: 1 });
  const bad = [{ step: 0, name: 'loss', value: 1 }, { step: 1, name: 'loss', value: null as unknown as number }];
  assert.throws(() => store.metrics.insertMany(run.id, bad), /NOT NULL/);
  assert.deepEqual(store.metrics.list(run.id), []);
  store.close();
});

test('a resumed attempt replaces the points of the steps it repeats, so a series has one point per step', (t) => {
  const store = openStore(tempHome(t));
  const run = store.runs.insert({ name: 'a', method: 'selftest', config: {}, seed: 1 });
  const pts = (name: string, steps: number[], v: number) => steps.map((step) => ({ step, name, value: v + step }));
  store.metrics.insertMany(run.id, [...pts('loss', [1, 2, 3, 4, 5], 10), ...pts('lr', [1, 2, 3, 4, 5], 0)]);
  // crashed after step 5, resumed from the checkpoint of step 2: steps 3.. come again, lr not yet reported
  store.metrics.insertMany(run.id, pts('loss', [3, 4], 20));
  assert.deepEqual(store.metrics.list(run.id, ['loss']).map((p) => [p.step, p.value]), [[1, 11], [2, 12], [3, 23], [4, 24]]);
  assert.deepEqual(store.metrics.list(run.id, ['lr']).map((p) => p.step), [1, 2, 3, 4, 5], 'other series are untouched');
  store.close();
});

test('a store transaction that throws rolls back every write inside it', (t) => {
  const store = openStore(tempHome(t));
  assert.throws(() => store.transaction(() => {
    store.runs.insert({ name: 'a', method: 'selftest', config: {}, seed: 1 });
    throw new Error('boom');
  }), /boom/);
  assert.equal(store.runs.list({ includeArchived: true }).length, 0);
  store.close();
});

test('deleting a run deletes its metrics, evaluations and artifacts rows', (t) => {
  const store = openStore(tempHome(t));
  const run = store.runs.insert({ name: 'a', method: 'selftest', config: {}, seed: 1 });
  store.metrics.insertMany(run.id, [{ step: 0, name: 'loss', value: 1 }]);
  store.evaluations.insert({ runId: run.id, modelId: null, task: 'RTE', metric: 'accuracy', value: 0.6 });
  store.artifacts.insert({ runId: run.id, kind: 'report', path: '/x', size: 1, sha256: 'ab' });
  store.runs.remove(run.id);
  const count = (table: string) => (store.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  assert.deepEqual([count('metrics'), count('evaluations'), count('artifacts')], [0, 0, 0]);
  store.close();
});

test('a run left running by a dead app is marked interrupted when the store is reopened by the runner', (t) => {
  const home = tempHome(t);
  const store = openStore(home);
  const run = store.runs.insert({ name: 'a', method: 'selftest', config: {}, seed: 1 });
  store.runs.markRunning(run.id);
  store.close();
  const again = openStore(home);
  assert.deepEqual(again.runs.markOrphansInterrupted('app exited while the run was running'), [run.id]);
  assert.equal(again.runs.get(run.id)!.status, 'interrupted');
  again.close();
});

test('a database made by an older version is upgraded in place and keeps its runs', (t) => {
  const home = tempHome(t);
  const old = openDatabase(join(home, 'wid.db'), MIGRATIONS.slice(0, 1));
  old.prepare(`INSERT INTO runs (name, method, status, config, seed, created_at) VALUES ('old', 'selftest', 'completed', '{}', 1, 'x')`).run();
  old.close();
  const store = openStore(home);
  assert.deepEqual(store.runs.list().map((r) => r.name), ['old']);
  const columns = (store.db.prepare('PRAGMA table_info(runs)').all() as { name: string }[]).map((c) => c.name);
  assert.ok(columns.includes('owner_pid') && columns.includes('stop_requested'));
  store.close();
});

test('a queued run can be claimed once: a second claim (another runner) gets false', (t) => {
  const store = openStore(tempHome(t));
  const run = store.runs.insert({ name: 'a', method: 'selftest', config: {}, seed: 1 });
  assert.equal(store.runs.claim(run.id, 111), true);
  assert.equal(store.runs.claim(run.id, 222), false);
  assert.equal(store.runs.ownerPid(run.id), 111);
  store.close();
});
