// The comparison table (and its Markdown/CSV export) averages metrics per task and relates runs to a reference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EvaluationRecord, RunRecord } from '../../src-main/shared/api/index.js';
import { buildComparison, comparisonCsv, comparisonMarkdown } from '../../src-renderer/src/lib/comparison.js';

const run = (id: number, name: string, parameterCount: number): RunRecord => ({
  id, name, method: 'wid', status: 'completed', config: {}, seed: 0, backend: 'wasm', device: null, teacherModelId: null,
  datasetId: null, parentRunId: null, groupId: null, tags: [], notes: '', archived: false, error: null, progress: null,
  result: { parameterCount }, createdAt: '', startedAt: null, finishedAt: null,
});
const ev = (runId: number, task: string, metric: string, value: number): EvaluationRecord =>
  ({ id: 0, runId, modelId: null, task, metric, value, createdAt: '' });

const runs = [run(1, 'teacher', 110e6), run(2, 'wid, small', 11e6)];
const evals = {
  1: [ev(1, 'sst2', 'accuracy', 0.9), ev(1, 'mrpc', 'f1', 0.88), ev(1, 'mrpc', 'accuracy', 0.84)],
  2: [ev(2, 'sst2', 'accuracy', 0.81), ev(2, 'mrpc', 'f1', 0.8), ev(2, 'mrpc', 'accuracy', 0.78)],
};

test('several metrics of one task are averaged, and % of reference compares mean scores', () => {
  const rows = buildComparison(runs, evals, 1);
  assert.ok(Math.abs(rows[1].scores.mrpc - 0.79) < 1e-12);
  assert.ok(Math.abs(rows[1].percentOfReference! - (0.8 / 0.88) * 100) < 1e-9);
  assert.equal(rows[0].percentOfReference, 100);
});

test('% of reference is taken over the tasks both runs were scored on', () => {
  const partial = { ...evals, 3: [ev(3, 'sst2', 'accuracy', 0.45)] };
  const rows = buildComparison([...runs, run(3, 'sst2 only', 5e6)], partial, 1);
  // 0.45 against the teacher's sst2 0.9, not against its mean over sst2 and mrpc (0.88)
  assert.ok(Math.abs(rows[2].percentOfReference! - 50) < 1e-9, String(rows[2].percentOfReference));
  assert.equal(buildComparison([...runs, run(4, 'unscored', 1e6)], evals, 1)[2].percentOfReference, null);
});

test('CSV export quotes names containing commas and has one column per task', () => {
  const csv = comparisonCsv(buildComparison(runs, evals, 1)).trim().split('\n');
  assert.equal(csv[0], 'run,name,method,parameters,mrpc,sst2,mean,% of reference');
  // scores ×100 with one decimal, as the tables print them
  assert.equal(csv[2], '2,"wid, small",wid,11000000,79.0,81.0,80.0,90.9');
});

test('Markdown export is a table with a header separator row', () => {
  const md = comparisonMarkdown(buildComparison(runs, evals, null), 'WID vs teacher').split('\n');
  assert.equal(md[0], '# WID vs teacher');
  assert.equal(md[3], '| --- | --- | --- | --- | --- | --- | --- | --- |');
});

test('the Runs tab scores a distillation run by its student and a fine-tune by its model, as compare.table gives them', async () => {
  const { comparisonFromTable } = await import('../../src-renderer/src/lib/comparison.js');
  const distil = run(5, 'wid', 11e6);
  const finetune = { ...run(6, 'teacher ft', 110e6), method: 'finetune' as const, config: { modelId: 1 }, result: null };
  const models = [{ id: 1, kind: 'teacher', sourceRunId: null }, { id: 2, kind: 'student', sourceRunId: 5 }] as never;
  const row = (name: string, isTeacher: boolean, average: number, percentOfTeacher: number) => ({ name, isTeacher, parameterCount: 9, fileSize: null,
    latencyMsBatch1: null, throughputBatch32: null, scores: { RTE: average, 'SST-2': null }, average, percentOfTeacher, missingTasks: [] });
  const table = { tasks: ['RTE'], teacher: 't', rows: [row('t', true, 0.6, 100), row('s', false, 0.45, 75)] };
  const rows = comparisonFromTable([distil, finetune], models, [1, 2], table);
  assert.deepEqual(rows.map((r) => [r.runId, r.scores, r.mean, r.percentOfReference, r.parameters]),
    [[5, { RTE: 0.45 }, 0.45, 75, 11e6], [6, { RTE: 0.6 }, 0.6, 100, 9]]);
});
