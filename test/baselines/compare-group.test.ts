// A compare group runs WID, DistilBERT and TinyBERT on one teacher, corpus, budget and target size through the
// service and job runner, and each member ends with an exported student of that size registered as a model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createService } from '../../src-main/app/service/index.js';
import type { RunRecord } from '../../src-main/shared/api/index.js';
import { TINY_TEACHER } from './support/tiny-run.js';

const CORPUS = new URL('../fixtures/corpus/pride-and-prejudice.txt', import.meta.url).pathname;
const FINISHED = ['completed', 'failed', 'cancelled', 'interrupted'];

test('a compare group trains all three methods to the same student size and registers their students', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'wid-compare-'));
  const s = await createService({ home, mode: 'cli', concurrency: 3 });
  t.after(async () => { await s.close(); rmSync(home, { recursive: true, force: true }); });
  const teacher = await s.call('models.register', { path: TINY_TEACHER, kind: 'teacher' });
  const corpus = await s.call('datasets.register', { path: CORPUS, kind: 'corpus' });
  // the tiny teacher is 2L-64H-4A-128I; WID keeps depth, so the shared target keeps 2 layers and halves the width
  const target = { layers: 2, hidden: 32, heads: 4, intermediate: 64 };
  const { group, runs } = await s.call('groups.create', {
    name: 'tiny compare',
    methods: ['wid', 'distilbert', 'tinybert'],
    config: {
      teacherModelId: teacher.id, datasetId: corpus.id, target, steps: 3, batchSize: 2, seqLen: 16,
      backend: 'wasm', checkpointEvery: 0, seed: 5,
    },
  });
  assert.deepEqual(runs.map((r) => r.method), ['wid', 'distilbert', 'tinybert']);
  assert.ok(runs.every((r) => r.groupId === group.id && r.config.seed === 5));

  const finished = new Map<number, RunRecord>();
  const deadline = Date.now() + 170_000;
  while (finished.size < runs.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    for (const r of runs) {
      const now = await s.call('runs.get', { id: r.id });
      if (FINISHED.includes(now.status)) finished.set(r.id, now);
    }
  }
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
