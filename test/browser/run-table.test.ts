// The run table's own sorting (teacher, size, score) and its Score column's attribution of GLUE averages to runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GlueComparisonTable, ModelRecord, RunRecord } from '../../src-main/shared/api/index.js';
import { runScores, scoredModelId } from '../../src-renderer/src/lib/runScores.js';
import { sortRunsBy } from '../../src-renderer/src/lib/runSort.js';

const run = (id: number, method: RunRecord['method'], config: Record<string, unknown> = {}, parameterCount?: number): RunRecord => ({
  id, name: `run ${id}`, method, status: 'completed', config, seed: 0, backend: 'wasm', device: null, teacherModelId: null,
  datasetId: null, parentRunId: null, groupId: null, tags: [], notes: '', archived: false, error: null, progress: null,
  result: parameterCount === undefined ? null : { parameterCount }, createdAt: '', startedAt: null, finishedAt: null,
});
const model = (id: number, kind: ModelRecord['kind'], sourceRunId: number | null): ModelRecord => ({
  id, name: 'same name', kind, path: `/m/${id}`, config: {}, parameterCount: null, fileSize: null, sourceRunId, createdAt: '',
});
const row = (average: number | null, scores: Record<string, number | null>) => ({
  name: 'same name', isTeacher: false, parameterCount: null, fileSize: null, latencyMsBatch1: null, throughputBatch32: null,
  scores, average, percentOfTeacher: null, missingTasks: [],
});

test('a distillation run is scored by its latest student, a finetune run by the model it fine-tuned', () => {
  const models = [model(1, 'teacher', null), model(2, 'student', 10), model(3, 'student', 10)];
  assert.equal(scoredModelId(run(10, 'wid'), models), 3);
  assert.equal(scoredModelId(run(11, 'finetune', { modelId: 1 }), models), 1);
  assert.equal(scoredModelId(run(12, 'selftest'), models), null);
});

test('scores are matched to models by position (names may repeat) and runs without an average get none', () => {
  const models = [model(1, 'teacher', null), model(2, 'student', 10)];
  const table: GlueComparisonTable = { tasks: ['SST-2', 'RTE'], teacher: null, rows: [row(null, { 'SST-2': null, RTE: null }), row(0.7, { 'SST-2': 0.7, RTE: null })] };
  assert.deepEqual(runScores([run(10, 'wid'), run(11, 'finetune', { modelId: 1 })], models, [1, 2], table), { 10: { value: 0.7, tasks: ['SST-2'] } });
  assert.throws(() => runScores([], models, [1], table), /2 rows for 1 models/);
});

test('sorting by size compares numbers and puts runs without a size last in both directions', () => {
  const runs = [run(1, 'wid', {}, 900), run(2, 'selftest'), run(3, 'wid', {}, 10_000), run(4, 'wid', {}, 50)];
  const lookup = { teacherName: () => null, params: (r: RunRecord) => (r.result?.parameterCount as number | undefined) ?? null, score: () => null };
  assert.deepEqual(sortRunsBy(runs, 'params', 'asc', lookup).map((r) => r.id), [4, 1, 3, 2]);
  assert.deepEqual(sortRunsBy(runs, 'params', 'desc', lookup).map((r) => r.id), [3, 1, 4, 2]);
});

test('#, progress, loss and duration sort too; a finished run\'s loss is its result\'s finalLoss when its last event had none', async () => {
  const { lastLoss } = await import('../../src-renderer/src/lib/runSort.js');
  const lookup = { teacherName: () => null, params: () => null, score: () => null };
  const a = { ...run(1, 'wid'), progress: { step: 5, totalSteps: 10, values: {}, etaSeconds: null }, result: { finalLoss: 0.5 },
    startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:40Z' };
  const b = { ...run(2, 'wid'), progress: { step: 10, totalSteps: 10, values: { loss: 2 }, etaSeconds: null }, startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:10Z' };
  const c = run(3, 'selftest');
  assert.equal(lastLoss(a), 0.5);
  assert.deepEqual(sortRunsBy([a, b, c], 'id', 'desc', lookup).map((r) => r.id), [3, 2, 1]);
  assert.deepEqual(sortRunsBy([a, b, c], 'progress', 'desc', lookup).map((r) => r.id), [2, 1, 3]);
  assert.deepEqual(sortRunsBy([a, b, c], 'loss', 'asc', lookup).map((r) => r.id), [1, 2, 3]);
  assert.deepEqual(sortRunsBy([a, b, c], 'duration', 'asc', lookup).map((r) => r.id), [2, 1, 3]);
});
