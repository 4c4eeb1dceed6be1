// A compare group runs WID, DistilBERT and TinyBERT on one teacher, corpus, budget and target size through the
// service and job runner, and each member ends with an exported student of that size registered as a model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCompareGroup, TINY_TARGET as target } from './support/compare-group-run.js';

test('a compare group trains all three methods to the same student size and registers their students', async (t) => {
  const { s, group, runs, finished } = await runCompareGroup(t, 3, (ids) => ({
    name: 'tiny compare',
    methods: ['wid', 'distilbert', 'tinybert'],
    config: { ...ids, target, steps: 3, batchSize: 2, seqLen: 16, backend: 'wasm', checkpointEvery: 0, seed: 5 },
  }));
  assert.deepEqual(runs.map((r) => r.method), ['wid', 'distilbert', 'tinybert']);
  assert.ok(runs.every((r) => r.groupId === group.id && r.config.seed === 5));
  for (const r of runs) {
    const done = finished.get(r.id);
    assert.ok(done, `run ${r.id} (${r.method}) did not finish`);
    assert.equal(done.status, 'completed', `${r.method}: ${done.error ?? ''}`);
    const result = done.result as { student: typeof target; finalLoss: number; studentPath: string };
    assert.deepEqual(result.student, target, `${r.method} student size`);
    assert.ok(Number.isFinite(result.finalLoss));
  }
  const students = await s.call('models.list', { kind: 'student' });
  assert.equal(students.length, 3);
});
