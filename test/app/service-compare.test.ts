// Service: the GLUE comparison table from stored models and evaluations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { createService } from '../../src-main/app/service/index.js';
import type { Service } from '../../src-main/app/service/contract.js';
import { openStore } from '../../src-main/app/store/index.js';
import { tempHome } from './support/runner-harness.js';

const TINY = resolve('test/fixtures/bert/tiny-teacher');

async function service(t: Parameters<typeof tempHome>[0]): Promise<Service> {
  const s = await createService({ home: tempHome(t), mode: 'cli', startRunner: false });
  t.after(() => s.close());
  return s;
}

test('compare.table scores each model from its evaluations with the % of the teacher; export gives CSV', async (t) => {
  const s = await service(t);
  const teacher = await s.call('models.register', { path: TINY, name: 'teacher' });
  const student = await s.call('models.register', { path: TINY, name: 'student', kind: 'student' });
  const run = await s.call('runs.create', { method: 'selftest', config: {} });
  const store = openStore(s.dataDir);
  store.evaluations.insert({ runId: run.id, modelId: teacher.id, task: 'RTE', metric: 'accuracy', value: 0.8 });
  store.evaluations.insert({ runId: run.id, modelId: student.id, task: 'RTE', metric: 'accuracy', value: 0.6 });
  store.close();
  const table = await s.call('compare.table', { modelIds: [student.id], teacherModelId: teacher.id });
  assert.deepEqual(table.tasks, ['RTE']);
  assert.equal(table.teacher, 'teacher');
  const row = table.rows.find((r) => r.name === 'student')!;
  assert.equal(row.scores.RTE, 0.6);
  assert.ok(Math.abs(row.percentOfTeacher! - 75) < 1e-9);
  assert.equal(row.parameterCount, student.parameterCount);
  const csv = await s.call('compare.export', { modelIds: [student.id], teacherModelId: teacher.id, format: 'csv' });
  assert.match(csv.text.split('\n')[0], /RTE/);
  assert.equal(csv.text.trim().split('\n').length, 3);
});

test('two models with the same name stay two rows', async (t) => {
  const s = await service(t);
  const a = await s.call('models.register', { path: TINY, name: 'same' });
  const b = await s.call('models.register', { path: TINY, name: 'same' });
  const table = await s.call('compare.table', { modelIds: [a.id, b.id] });
  assert.deepEqual(table.rows.map((r) => r.name), [`same (#${a.id})`, `same (#${b.id})`]);
});

test('compare with an unknown model is not_found, with a bad format is bad_request', async (t) => {
  const s = await service(t);
  await assert.rejects(s.call('compare.table', { modelIds: [9] }), /model 9 not found/);
  const m = await s.call('models.register', { path: TINY });
  await assert.rejects(s.call('compare.export', { modelIds: [m.id], format: 'pdf' as never }), /format: expected one of csv, markdown/);
});
