// Service: runs.create, list, update and remove through the API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createService } from '../../src-main/app/service/index.js';
import type { Service } from '../../src-main/app/service/contract.js';
import { tempHome } from './support/runner-harness.js';

async function service(t: Parameters<typeof tempHome>[0]): Promise<Service> {
  const s = await createService({ home: tempHome(t), mode: 'cli', startRunner: false });
  t.after(() => s.close());
  return s;
}

test('runs.create stores the validated config with its seed, names the run and queues it', async (t) => {
  const s = await service(t);
  // an unknown key is refused (issue 26: a typo must not train with the default), so the stored config is the one given
  const run = await s.call('runs.create', { method: 'selftest', config: { steps: 3, backend: 'wasm', seed: 11, delayMs: 0 } });
  assert.equal(run.status, 'queued');
  assert.equal(run.seed, 11);
  assert.equal(run.name, `selftest #${run.id}`);
  assert.deepEqual(run.config, { steps: 3, backend: 'wasm', seed: 11, delayMs: 0 });
  const unseeded = await s.call('runs.create', { method: 'selftest', name: 'mine', config: {} });
  assert.equal(unseeded.name, 'mine');
  assert.equal(unseeded.config.seed, unseeded.seed);
});

test('runs.list searches name and tags and sorts by name', async (t) => {
  const s = await service(t);
  const a = await s.call('runs.create', { method: 'selftest', name: 'beta', config: {} });
  await s.call('runs.create', { method: 'selftest', name: 'Alpha', config: {} });
  await s.call('runs.update', { id: a.id, tags: ['keep'], notes: 'first try' });
  assert.deepEqual((await s.call('runs.list', { sort: 'name', order: 'asc' })).map((r) => r.name), ['Alpha', 'beta']);
  assert.deepEqual((await s.call('runs.list', { search: 'keep' })).map((r) => r.name), ['beta']);
  assert.deepEqual((await s.call('runs.list', { search: 'first' })).map((r) => r.name), ['beta']);
  await assert.rejects(s.call('runs.list', { sort: 'size' as never }), /sort: expected one of createdAt, name, method, status/);
});

test('cancelling a queued run ends it cancelled without starting it', async (t) => {
  const s = await service(t);
  const run = await s.call('runs.create', { method: 'selftest', config: {} });
  const cancelled = await s.call('runs.cancel', { id: run.id });
  assert.equal(cancelled.status, 'cancelled');
  assert.equal(cancelled.startedAt, null);
  await assert.rejects(s.call('runs.cancel', { id: run.id }), /run \d+ is cancelled/);
});

test('runs.remove deletes the run folder and its files under the data folder, then the rows', async (t) => {
  const s = await service(t);
  const run = await s.call('runs.create', { method: 'selftest', config: {} });
  await s.call('runs.cancel', { id: run.id });
  const dir = join(s.dataDir, 'runs', String(run.id));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'checkpoint.bin'), 'x');
  await s.call('runs.remove', { id: run.id });
  assert.equal(existsSync(dir), false);
  await assert.rejects(s.call('runs.get', { id: run.id }), /not found/);
});

test('a compare group creates one queued run per method sharing config and seed', async (t) => {
  const s = await service(t);
  // selftest needs no teacher or corpus, so one member keeps this fast
  const { group, runs } = await s.call('groups.create', { name: 'g', methods: ['selftest'], config: { steps: 2 } });
  assert.equal(runs.length, 1);
  assert.equal(runs[0].groupId, group.id);
  assert.equal(runs[0].config.steps, 2);
  assert.deepEqual((await s.call('groups.list', {})).map((g) => g.name), ['g']);
});

test('system.info reports the version, data folder, mode and the backends this machine can use', async (t) => {
  const s = await service(t);
  const info = await s.call('system.info', {});
  assert.match(info.version, /^\d+\.\d+\.\d+/);
  assert.equal(info.dataDir, s.dataDir);
  assert.equal(info.mode, 'cli');
  assert.deepEqual(info.backends.find((b) => b.name === 'cpu'), { name: 'cpu', available: true });
});

test('runs.create records the teacher and dataset ids and hands the job their paths', async (t) => {
  const s = await service(t);
  const teacher = await s.call('models.register', { path: resolve('test/fixtures/bert/tiny-teacher') });
  const corpus = await s.call('datasets.register', { path: resolve('test/fixtures/corpus/pride-and-prejudice.txt'), kind: 'corpus' });
  const glue = await s.call('datasets.register', { path: resolve('test/fixtures/glue'), kind: 'glue' });
  const a = await s.call('runs.create', { method: 'selftest', config: { teacherModelId: teacher.id, datasetId: corpus.id } });
  assert.equal(a.teacherModelId, teacher.id);
  assert.equal(a.datasetId, corpus.id);
  assert.equal(a.config.teacherPath, teacher.path);
  assert.equal(a.config.corpusPath, corpus.path);
  const b = await s.call('runs.create', { method: 'selftest', config: { datasetId: glue.id } });
  assert.equal(b.config.gluePath, glue.path);
  assert.equal(b.config.corpusPath, undefined);
});

test('archiving hides a run from the default list; includeArchived shows it again', async (t) => {
  const s = await service(t);
  const run = await s.call('runs.create', { method: 'selftest', name: 'old', config: {} });
  const archived = await s.call('runs.update', { id: run.id, archived: true });
  assert.equal(archived.archived, true);
  assert.deepEqual(await s.call('runs.list', {}), []);
  assert.deepEqual((await s.call('runs.list', { includeArchived: true })).map((r) => r.name), ['old']);
  await assert.rejects(s.call('runs.update', { id: run.id, name: '  ' }), /name: expected a non-empty string/);
});

test('removing a registered teacher keeps its runs, which then name no teacher', async (t) => {
  const s = await service(t);
  const teacher = await s.call('models.register', { path: resolve('test/fixtures/bert/tiny-teacher') });
  const run = await s.call('runs.create', { method: 'selftest', config: { teacherModelId: teacher.id } });
  await s.call('models.remove', { id: teacher.id });
  assert.equal((await s.call('runs.get', { id: run.id })).teacherModelId, null);
  await assert.rejects(s.call('models.get', { id: teacher.id }), /not found/);
});
