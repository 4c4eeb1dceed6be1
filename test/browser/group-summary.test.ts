// The group page's summaries: shared vs per-method settings, wall time, student shape, each member's student.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelRecord, RunRecord } from '../../src-main/shared/api/index.js';
import { memberStudents, splitSettings, studentShape, wallSeconds } from '../../src-renderer/src/lib/groupSummary.js';

const run = (id: number, patch: Partial<RunRecord> = {}): RunRecord => ({
  id, name: `run ${id}`, method: 'wid', status: 'completed', config: {}, seed: 0, backend: 'wasm', device: null, teacherModelId: null,
  datasetId: null, parentRunId: null, groupId: 1, tags: [], notes: '', archived: false, error: null, progress: null,
  result: null, createdAt: '', startedAt: null, finishedAt: null, ...patch,
});

test('settings every member has with one value are shared; a method\'s own option (nested) differs; derived paths are left out', () => {
  const split = splitSettings([
    { steps: 3, teacherPath: '/t', method: 'wid', methodOptions: { objective: 'mlm', preset: 'wid55' } },
    { steps: 3, teacherPath: '/t', method: 'distilbert', methodOptions: { preset: 'wid55' } },
  ]);
  assert.deepEqual(split.shared, [['methodOptions.preset', 'wid55'], ['steps', 3]]);
  assert.deepEqual(split.differing, [['methodOptions.objective', ['mlm', undefined]]]);
});

test('wall time runs from start to finish (to now while running), none before the start', () => {
  assert.equal(wallSeconds(run(1, { startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:01:30Z' })), 90);
  assert.equal(wallSeconds(run(1, { status: 'running', startedAt: '2026-01-01T00:00:00Z' }), Date.parse('2026-01-01T00:00:10Z')), 10);
  assert.equal(wallSeconds(run(1, { status: 'queued' })), null);
});

test('a member\'s student shape comes from its result, and its student is the latest model it registered', () => {
  assert.deepEqual(studentShape(run(1, { result: { student: { layers: 2, hidden: 36, heads: 4, intermediate: 72 } } })), { layers: 2, hidden: 36, heads: 4, intermediate: 72 });
  assert.equal(studentShape(run(1, { result: { student: { layers: 2 } } })), null);
  const m = (id: number, sourceRunId: number | null) => ({ id, sourceRunId }) as ModelRecord;
  const students = memberStudents([run(1), run(2), run(3)], [m(1, null), m(2, 1), m(3, 2), m(4, 1)]);
  assert.deepEqual([...students.entries()].map(([r, s]) => [r, s.id]), [[1, 4], [2, 3]]);
});
