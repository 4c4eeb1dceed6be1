// The group page's summaries: shared vs per-method settings, wall time, student shape, each member's student.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelRecord, RunRecord } from '../../src-main/shared/api/index.js';
import { memberStudents, runSeconds, splitSettings, studentShape } from '../../src-renderer/src/lib/groupSummary.js';

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

test('a run\'s time is every segment\'s: the earlier ones the store kept plus the last (to now while running), none before the start', () => {
  const t = (iso: string) => Date.parse(`2026-01-01T00:${iso}Z`);
  assert.equal(runSeconds(run(1, { startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:01:30Z' })), 90);
  assert.equal(runSeconds(run(1, { status: 'running', startedAt: '2026-01-01T00:00:00Z' }), t('00:10')), 10);
  assert.equal(runSeconds(run(1, { status: 'queued' })), null);
  // resumed after 40 s: queued again it still shows them; running, the live segment adds to them, second by second
  assert.equal(runSeconds(run(1, { status: 'queued', earlierSeconds: 40 })), 40);
  const resumed = run(1, { status: 'running', startedAt: '2026-01-01T00:05:00Z', earlierSeconds: 40 });
  assert.equal(runSeconds(resumed, t('05:10')), 50);
  assert.equal(runSeconds(resumed, t('05:11')), 51);
  assert.equal(runSeconds({ ...resumed, status: 'completed', finishedAt: '2026-01-01T00:06:00Z' }), 100);
  // an interrupted segment ends at its last step, not when its dead process was noticed
  assert.equal(runSeconds(run(1, { status: 'interrupted', startedAt: '2026-01-01T00:00:00Z', lastStepAt: '2026-01-01T00:00:20Z', finishedAt: '2026-01-01T03:00:00Z', earlierSeconds: 5 })), 25);
  // a run resumed before the store kept segments: at least the training seconds its result reports
  assert.equal(runSeconds(run(1, { startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:01:00Z', result: { elapsedSeconds: 300 } })), 300);
});

test('a member\'s student shape comes from its result, and its student is the latest model it registered', () => {
  assert.deepEqual(studentShape(run(1, { result: { student: { layers: 2, hidden: 36, heads: 4, intermediate: 72 } } })), { layers: 2, hidden: 36, heads: 4, intermediate: 72 });
  assert.equal(studentShape(run(1, { result: { student: { layers: 2 } } })), null);
  const m = (id: number, sourceRunId: number | null) => ({ id, sourceRunId }) as ModelRecord;
  const students = memberStudents([run(1), run(2), run(3)], [m(1, null), m(2, 1), m(3, 2), m(4, 1)]);
  assert.deepEqual([...students.entries()].map(([r, s]) => [r, s.id]), [[1, 4], [2, 3]]);
});
