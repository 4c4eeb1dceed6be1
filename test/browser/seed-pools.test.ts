// Seeds pooled in the comparison tables (renderer lib, no browser): which models and runs become one row, which
// fine-tunes count as its replicates, and the gap to the best row against the seed spread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EvaluationRecord, GlueComparisonTable, ModelRecord, RunRecord } from '../../src-main/shared/api/index.js';
import { poolModels, poolRuns } from '../../src-renderer/src/lib/seedPools.js';
import { versusBest } from '../../src-renderer/src/lib/seeds.js';

const run = (id: number, method: RunRecord['method'], seed: number, config: Record<string, unknown>): RunRecord => ({
  id, name: `${method} ${id} · seed ${seed}`, method, status: 'completed', config, seed, backend: 'wasm', device: null, teacherModelId: null, datasetId: null,
  parentRunId: null, groupId: null, tags: [], notes: '', archived: false, error: null, progress: null, result: null, createdAt: '', startedAt: null, finishedAt: null,
});
const model = (id: number, kind: 'teacher' | 'student', sourceRunId: number | null) => ({ id, name: `m${id}`, kind, sourceRunId } as unknown as ModelRecord);
const ev = (runId: number, modelId: number, task: string, value: number): EvaluationRecord => ({ id: runId * 10, runId, modelId, task, metric: 'score', value } as EvaluationRecord);

// two WID distillations equal but for the seed (students 2, 3), the teacher (1); fine-tunes: the teacher three
// times by seed, each student once, and one teacher fine-tune with another lr that must not count
const FT = { tasks: ['SST-2'], lr: 1e-3, epochs: 1 };
const runs = [
  run(1, 'wid', 1, { steps: 16, preset: 'wid55', seed: 1 }), run(2, 'wid', 2, { steps: 16, preset: 'wid55', seed: 2 }),
  run(10, 'finetune', 1, { ...FT, modelId: 1, seed: 1 }), run(11, 'finetune', 2, { ...FT, modelId: 1, seed: 2 }), run(12, 'finetune', 3, { ...FT, modelId: 1, seed: 3 }),
  run(13, 'finetune', 1, { ...FT, lr: 5e-5, modelId: 1, seed: 1 }),
  run(20, 'finetune', 4, { ...FT, modelId: 2, seed: 4 }), run(21, 'finetune', 5, { ...FT, modelId: 3, seed: 5 }),
];
const models = [model(1, 'teacher', null), model(2, 'student', 1), model(3, 'student', 2)];
const evals: Record<number, EvaluationRecord[]> = {
  10: [ev(10, 1, 'SST-2', 0.80)], 11: [ev(11, 1, 'SST-2', 0.82)], 12: [ev(12, 1, 'SST-2', 0.84)], 13: [ev(13, 1, 'SST-2', 0.5)],
  20: [ev(20, 2, 'SST-2', 0.79)], 21: [ev(21, 3, 'SST-2', 0.75)],
};
const table = { tasks: ['SST-2'], rows: [
  { name: 'm1', isTeacher: true, scores: { 'SST-2': 0.84 }, average: 0.84 }, { name: 'm2', isTeacher: false, scores: { 'SST-2': 0.79 }, average: 0.79 },
  { name: 'm3', isTeacher: false, scores: { 'SST-2': 0.75 }, average: 0.75 },
] } as unknown as GlueComparisonTable;
const src = (modelId: number, runId: number) => ({ 'SST-2': { modelId, task: 'SST-2', runId, runName: '', seed: 0, settings: {} } }) as never;

test('models whose distillations differ only by seed are one row; every fine-tune with the shown settings counts, any seed', () => {
  const pools = poolModels(table, [1, 2, 3], models, runs, evals, { m1: src(1, 12), m2: src(2, 20), m3: src(3, 21) });
  assert.deepEqual(pools.map((p) => [p.label, p.members, p.n, p.seeds]), [['m1 (teacher)', ['m1'], 3, [1, 2, 3]], ['m2', ['m2', 'm3'], 2, [4, 5]]]);
  const [teacher, wid] = pools;
  assert.ok(Math.abs(teacher.average!.mean - 0.82) < 1e-12 && Math.abs(teacher.average!.std! - 0.02) < 1e-12, 'the lr-5e-5 fine-tune is another experiment');
  assert.ok(Math.abs(wid.tasks['SST-2'].mean - 0.77) < 1e-12);
  // 82 vs 77: a gap of 5 points, beyond the larger spread (the students' std, 2.8 points)
  assert.equal(versusBest(pools).get(wid.key)!.kind, 'beyond');
  const close = { ...wid, key: 'close', average: { ...wid.average!, mean: 0.81 } };
  assert.equal(versusBest([teacher, close]).get('close')!.kind, 'within');
});

test('chosen runs equal but for the seed are one row; a fine-tune by its own scores, a distillation by its student\'s', () => {
  const chosen = [runs[2], runs[3], runs[4], runs[0], runs[1]];
  const pools = poolRuns(chosen, runs, models, evals, (r): Record<string, number> => (r.id === 1 ? { 'SST-2': 0.79 } : r.id === 2 ? { 'SST-2': 0.75 } : {}), ['SST-2']);
  assert.deepEqual(pools.map((p) => [p.members, p.n, p.seeds]), [[['#10', '#11', '#12'], 3, [1, 2, 3]], [['#1', '#2'], 2, [1, 2]]]);
  assert.deepEqual(pools[0].average!.values, [0.80, 0.82, 0.84], 'each fine-tune\'s own score, not the model\'s latest');
  assert.equal(pools[1].label, 'wid 1');
});
