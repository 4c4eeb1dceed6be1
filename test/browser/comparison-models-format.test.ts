// The models × tasks mode's pure helpers: which request the picks make, how cells print, what the charts get.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GlueComparisonTable, ModelRecord } from '../../src-main/shared/api/index.js';
import { compareRequest, defaultPicks, formatBytes, formatPercent, formatScore, modelChartEntries, taskSelection } from '../../src-renderer/src/lib/modelComparison.js';

const model = (id: number, kind: 'teacher' | 'student') => ({ id, kind, name: `m${id}` }) as ModelRecord;

test('picks: every model by default, the first teacher as reference; the teacher is sent once, as teacherModelId', () => {
  const picks = defaultPicks([model(3, 'student'), model(1, 'teacher'), model(2, 'teacher')]);
  assert.deepEqual(picks, { modelIds: [3, 1, 2], teacherModelId: 1 });
  assert.deepEqual(compareRequest(picks), { modelIds: [3, 2], teacherModelId: 1 });
  assert.deepEqual(compareRequest({ modelIds: [], teacherModelId: 1 }), { modelIds: [], teacherModelId: 1 });
  assert.deepEqual(compareRequest({ modelIds: [4], teacherModelId: null }), { modelIds: [4] });
  assert.equal(compareRequest({ modelIds: [], teacherModelId: null }), null);
});

test('tasks: all of them unless one of the available tasks is left out', () => {
  assert.equal(taskSelection(['RTE', 'SST-2'], new Set()), undefined);
  assert.equal(taskSelection(['RTE', 'SST-2'], new Set(['CoLA'])), undefined, 'a task none of the models has changes nothing');
  assert.deepEqual(taskSelection(['RTE', 'SST-2', 'MRPC'], new Set(['SST-2'])), ['RTE', 'MRPC']);
});

test('cells: scores ×100 with one decimal as the export prints them, a dash where nothing was measured', () => {
  assert.equal(formatScore(0.5125), '51.2');
  assert.equal(formatScore(0.635), '63.5');
  assert.equal(formatScore(null), '—');
  assert.equal(formatPercent(95.51), '95.5 %');
  assert.equal(formatBytes(659174), '643.7 KiB');
  assert.equal(formatBytes(2610136), '2.49 MiB');
});

test('chart entries carry the table values ×100 and keep missing tasks null', () => {
  const table: GlueComparisonTable = { tasks: ['SST-2', 'RTE'], teacher: 't', rows: [
    { name: 't', isTeacher: true, parameterCount: 10, fileSize: 1, latencyMsBatch1: 1, throughputBatch32: 1, scores: { 'SST-2': 0.6, RTE: 0.5 }, average: 0.25, percentOfTeacher: 100, missingTasks: [] },
    { name: 's', isTeacher: false, parameterCount: 5, fileSize: 1, latencyMsBatch1: 1, throughputBatch32: 1, scores: { 'SST-2': null, RTE: 0.45 }, average: 0.45, percentOfTeacher: 90, missingTasks: ['SST-2'] },
  ] };
  assert.deepEqual(modelChartEntries(table), [
    { label: 't (teacher)', parameters: 10, average: 25, scores: { 'SST-2': 60, RTE: 50 } },
    { label: 's', parameters: 5, average: 45, scores: { 'SST-2': null, RTE: 45 } },
  ]);
});

test('parameters print as 345.9 k / 14.5 M / 1.10 B, throughput with thousands separators; every column sorts, blanks last', async () => {
  const { formatParams, formatRate, sortTableRows } = await import('../../src-renderer/src/lib/modelComparison.js');
  assert.deepEqual([formatParams(345_920), formatParams(14_500_000), formatParams(1.1e9), formatParams(null)], ['345.9 k', '14.5 M', '1.10 B', '—']);
  assert.equal(formatRate(12345.67), '12,345.7');
  const r = (name: string, average: number | null, rte: number | null, parameterCount: number) => ({ name, isTeacher: false, parameterCount, fileSize: null,
    latencyMsBatch1: null, throughputBatch32: null, scores: { RTE: rte }, average, percentOfTeacher: null, missingTasks: [] });
  const rows = [r('b', 0.5, null, 30), r('a', null, 0.7, 10), r('c', 0.6, 0.4, 20)];
  assert.deepEqual(sortTableRows(rows, 'average', 'desc').map((x) => x.name), ['c', 'b', 'a']);
  assert.deepEqual(sortTableRows(rows, 'average', 'asc').map((x) => x.name), ['b', 'c', 'a']);
  assert.deepEqual(sortTableRows(rows, 'task:RTE', 'desc').map((x) => x.name), ['a', 'c', 'b']);
  assert.deepEqual(sortTableRows(rows, 'name', 'asc').map((x) => x.name), ['a', 'b', 'c']);
  assert.deepEqual(sortTableRows(rows, 'parameterCount', 'asc').map((x) => x.name), ['a', 'c', 'b']);
});
