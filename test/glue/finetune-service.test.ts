// End to end through the app: registered model and GLUE folder → finetune and evaluate runs in a worker
// process → evaluations linked to the model → compare.table and compare.export.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createService } from '../../src-main/app/service/index.js';
import type { Service } from '../../src-main/app/service/contract.js';

const TINY = resolve('test/fixtures/bert/tiny-teacher');
const GLUE = resolve('test/fixtures/glue');

async function finished(s: Service, id: number): Promise<string> {
  for (let i = 0; i < 600; i++) {
    const run = await s.call('runs.get', { id });
    if (['completed', 'failed', 'cancelled', 'interrupted'].includes(run.status)) return run.error ? `${run.status}: ${run.error}` : run.status;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`run ${id} did not finish in 120 s`);
}

test('a finetune run and an evaluate run store scores and efficiency the comparison table shows per model', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'wid-glue-svc-'));
  const s = await createService({ home, mode: 'cli', startRunner: true });
  t.after(async () => { await s.close(); rmSync(home, { recursive: true, force: true }); });
  const teacher = await s.call('models.register', { path: TINY, name: 'tiny-teacher' });
  // A second folder: evaluations find their model by path, so two models must not share one.
  const studentDir = join(home, 'student');
  cpSync(TINY, studentDir, { recursive: true });
  const student = await s.call('models.register', { path: studentDir, name: 'same-weights-student', kind: 'student' });
  const glue = await s.call('datasets.register', { path: GLUE, kind: 'glue', name: 'glue slices' });

  const ft = await s.call('runs.create', { method: 'finetune', name: 'ft', config: {
    modelId: teacher.id, datasetId: glue.id, task: 'RTE', lr: 1e-3, epochs: 1, batchSize: 16, maxLength: 32,
    maxTrainRows: 32, maxDevRows: 16, efficiency: false, backend: 'wasm', seed: 1 } });
  assert.equal(await finished(s, ft.id), 'completed');
  // one pooler rule: a teacher keeps its checkpoint's pooler, every student is fine-tuned with a fresh one
  assert.equal((ft.config as Record<string, unknown>).pooler, undefined);
  const ftStudent = await s.call('runs.create', { method: 'finetune', name: 'ft student', config: {
    modelId: student.id, datasetId: glue.id, task: 'RTE', lr: 1e-3, epochs: 1, batchSize: 16, maxLength: 32,
    maxTrainRows: 16, maxDevRows: 8, efficiency: false, backend: 'wasm', seed: 1 } });
  assert.equal((ftStudent.config as Record<string, unknown>).pooler, 'fresh');
  assert.equal(await finished(s, ftStudent.id), 'completed');
  const ev = await s.call('runs.create', { method: 'evaluate', name: 'eff', config: { modelId: student.id, seqLen: 32, iters: 1, warmup: 0, backend: 'wasm' } });
  assert.equal(await finished(s, ev.id), 'completed');

  const evals = await s.call('runs.evaluations', { id: ft.id });
  assert.deepEqual(evals.map((e) => `${e.task}/${e.metric}`), ['RTE/accuracy', 'RTE/score']);
  await s.call('runs.remove', { id: ftStudent.id });
  assert.ok(evals.every((e) => e.modelId === teacher.id), 'finetune evaluations are linked to the fine-tuned model');

  const table = await s.call('compare.table', { modelIds: [student.id], teacherModelId: teacher.id });
  assert.deepEqual(table.tasks, ['RTE']);
  const [tRow, sRow] = [table.rows.find((r) => r.isTeacher)!, table.rows.find((r) => !r.isTeacher)!];
  assert.equal(tRow.scores.RTE, evals[0].value);
  assert.equal(sRow.scores.RTE, null);
  assert.ok(sRow.latencyMsBatch1! > 0 && sRow.throughputBatch32! > 0, 'measured speed reaches the table');
  const md = await s.call('compare.export', { modelIds: [student.id], teacherModelId: teacher.id, format: 'markdown' });
  assert.match(md.text, /\| tiny-teacher \(teacher\) \|/);
});
