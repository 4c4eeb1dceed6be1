// Runner: what a worker reports (artifacts, models, evaluations, progress) becomes store rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { recordWorkerMessage } from '../../src-main/app/runner/message-recorder.js';
import { openStore } from '../../src-main/app/store/index.js';
import { tempHome } from './support/runner-harness.js';

const TINY = resolve('test/fixtures/bert/tiny-teacher');

function setup(t: Parameters<typeof tempHome>[0]) {
  const home = tempHome(t);
  const store = openStore(home);
  t.after(() => store.close());
  const run = store.runs.insert({ name: 'r', method: 'selftest', config: {}, seed: 0 });
  return { home, store, run };
}

test('an artifact file is stored with its size and sha256', async (t) => {
  const { home, store, run } = setup(t);
  const file = join(home, 'report.md');
  writeFileSync(file, 'hello');
  await recordWorkerMessage(store, run.id, { type: 'artifact', kind: 'report', path: file });
  const [a] = store.artifacts.listForRun(run.id);
  assert.equal(a.size, 5);
  assert.equal(a.sha256, createHash('sha256').update('hello').digest('hex'));
});

test('a folder artifact hashes its files by relative path, so the same files give the same digest anywhere', async (t) => {
  const { home, store, run } = setup(t);
  for (const dir of ['a', 'b']) {
    mkdirSync(join(home, dir, 'sub'), { recursive: true });
    writeFileSync(join(home, dir, 'x.txt'), 'xx');
    writeFileSync(join(home, dir, 'sub', 'y.txt'), 'yyy');
  }
  await recordWorkerMessage(store, run.id, { type: 'artifact', kind: 'student', path: join(home, 'a') });
  await recordWorkerMessage(store, run.id, { type: 'artifact', kind: 'student', path: join(home, 'b') });
  const [a, b] = store.artifacts.listForRun(run.id);
  assert.equal(a.size, 5);
  assert.equal(a.sha256, b.sha256);
});

test('a model the job registers is stored as coming from the run, and its evaluations are attributed to it', async (t) => {
  const { store, run } = setup(t);
  await recordWorkerMessage(store, run.id, { type: 'model', name: 'student', kind: 'student', path: TINY });
  await recordWorkerMessage(store, run.id, { type: 'evaluation', task: 'RTE', metric: 'accuracy', value: 0.55, modelPath: TINY });
  const [model] = store.models.list('student');
  assert.equal(model.sourceRunId, run.id);
  assert.equal(model.config.num_hidden_layers, 2);
  const [e] = store.evaluations.listForRun(run.id);
  assert.equal(e.modelId, model.id);
});

test('progress stores every finite value as a metric point at its step and keeps the snapshot on the run', async (t) => {
  const { store, run } = setup(t);
  const events = await recordWorkerMessage(store, run.id, {
    type: 'progress', progress: { step: 7, totalSteps: 10, values: { loss: 2.5, lr: 1e-4, bad: Number.NaN }, etaSeconds: 3 },
  });
  assert.deepEqual(store.metrics.list(run.id), [{ step: 7, name: 'loss', value: 2.5 }, { step: 7, name: 'lr', value: 1e-4 }]);
  assert.equal(store.runs.get(run.id)!.progress?.step, 7);
  assert.equal(events[0].type, 'run.progress');
});
