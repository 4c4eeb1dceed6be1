// The wid job through the real job runner: worker process, run store, metric series, artifacts, models.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeHarness, tempHome } from '../app/support/runner-harness.js';

const TEACHER = new URL('../fixtures/bert/tiny-teacher', import.meta.url).pathname;
const CORPUS = new URL('../fixtures/corpus/pride-and-prejudice.txt', import.meta.url).pathname;

test('a wid run completes in a worker and the store records its result, metric series, artifacts and student model', async (t) => {
  const h = makeHarness(tempHome(t));
  t.after(() => h.close());
  const config = {
    teacherPath: TEACHER, corpusPath: CORPUS, preset: 'wid55', wid: { pruneEvents: 2 },
    steps: 4, batchSize: 2, seqLen: 16, backend: 'wasm', seed: 5, checkpointEvery: 2,
  };
  const run = h.store.runs.insert({ name: 'wid', method: 'wid', config, seed: 5 });
  h.runner.start();
  assert.equal(await h.waitForStatus(run.id, ['completed', 'failed', 'interrupted'], 120_000), 'completed', h.store.runs.get(run.id)!.error ?? '');
  const done = h.store.runs.get(run.id)!;
  const result = done.result as { parameterCount: number; teacherParameterCount: number; student: { layers: number; hidden: number }; steps: number };
  assert.equal(result.steps, 4);
  assert.ok(result.parameterCount < result.teacherParameterCount);
  assert.equal(result.student.layers, 2);
  assert.deepEqual(h.store.metrics.list(run.id, ['loss']).map((p) => p.step), [1, 2, 3, 4]);
  assert.equal(h.store.metrics.list(run.id, ['size/hidden']).at(-1)!.value, result.student.hidden);
  const artifacts = h.store.artifacts.listForRun(run.id).map((a) => a.kind).sort();
  assert.deepEqual(artifacts, ['attention', 'masks', 'student'], 'the mask log of every mask event is one of the run\'s artifacts');
  const students = h.store.models.list('student');
  assert.equal(students.length, 1);
  assert.equal(students[0].parameterCount, result.parameterCount);
});
