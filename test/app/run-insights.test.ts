// Issue 27: what the service reads from a run's folder and the store for the UI — what Resume would do (the
// checkpoint step, or why retrying cannot help), WID's masks per event, what depends on a run — and the
// registration checks (truncated weights, empty corpora, a path registered twice).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createService } from '../../src-main/app/service/index.js';
import type { Service } from '../../src-main/app/service/contract.js';
import { openStore } from '../../src-main/app/store/index.js';
import { serializeSafetensors } from '../../src-main/engine/checkpoint/safetensors.js';
import { tempHome } from './support/runner-harness.js';
import { encodeMaskEvent, MASK_LOG_FILE } from '../../src-main/engine/methods/wid/mask-log.js';

const TINY = resolve('test/fixtures/bert/tiny-teacher');

/** A WID training checkpoint as train-state.ts writes it: tensors plus the loop's JSON under "wid.train". */
function checkpoint(dir: string, step: number, masks: unknown): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `step-${String(step).padStart(9, '0')}.safetensors`);
  writeFileSync(path, serializeSafetensors({ 'param/x': { shape: [64], data: new Float32Array(64) } },
    { format: 'wid-train-checkpoint/1', 'wid.train': JSON.stringify({ step, meta: { methodJson: { masks, eventsApplied: 1 } } }) }));
  return path;
}

const MASKS = { residual: [0, 2], heads: [[1]], headDims: [[[0, 3]]], intermediate: [[5, 7]] };

async function setUp(t: Parameters<typeof tempHome>[0], status: 'cancelled' | 'completed', step: number): Promise<{ s: Service; home: string; runId: number }> {
  const home = tempHome(t);
  const store = openStore(home);
  const run = store.runs.insert({ name: 'wid run', method: 'wid', config: { steps: 200 }, seed: 1 });
  store.runs.setProgress(run.id, { step, totalSteps: 200, values: {}, etaSeconds: null });
  store.runs.finish(run.id, status, {});
  store.close();
  const s = await createService({ home, mode: 'cli', startRunner: false });
  t.after(() => s.close());
  return { s, home, runId: run.id };
}

test('Resume names the checkpoint step it restarts from and the steps it trains again', async (t) => {
  const { s, home, runId } = await setUp(t, 'cancelled', 154);
  checkpoint(join(home, 'runs', String(runId), 'checkpoints'), 110, MASKS);
  const plan = await s.call('runs.resumePlan', { id: runId });
  assert.deepEqual(plan, { possible: true, fromStep: 110, lastStep: 154, message: 'Resume restarts from the checkpoint at step 110 (steps 111–154 are trained again).' });
});

test('Resume is not possible when the newest checkpoint is truncated, and says which one to delete', async (t) => {
  const { s, home, runId } = await setUp(t, 'cancelled', 154);
  const dir = join(home, 'runs', String(runId), 'checkpoints');
  checkpoint(dir, 100, MASKS);
  const newest = checkpoint(dir, 150, MASKS);
  truncateSync(newest, statSync(newest).size - 40);
  const plan = await s.call('runs.resumePlan', { id: runId });
  assert.equal(plan.possible, false);
  assert.match(plan.message, /the newest checkpoint \(step 150\) is unreadable: .*step-000000150\.safetensors is truncated.*Delete that file to resume from step 100/);
});

test('runs.pruning gives the kept widths per mask event from the metrics and the exact masks from the checkpoints', async (t) => {
  const { s, home, runId } = await setUp(t, 'completed', 200);
  const store = openStore(home);
  const at = (step: number, hidden: number) => [['size/hidden', hidden], ['size/heads', 4], ['size/headDim', hidden / 4], ['size/intermediate', 2 * hidden], ['size/params', 1000 * hidden]]
    .map(([name, value]) => ({ step, name: name as string, value: value as number }));
  store.metrics.insertMany(runId, [...at(1, 64), ...at(2, 64), ...at(3, 48), ...at(4, 32)]);
  store.close();
  checkpoint(join(home, 'runs', String(runId), 'checkpoints'), 200, MASKS);
  const h = await s.call('runs.pruning', { id: runId });
  assert.deepEqual(h.events.map((e) => [e.step, e.hidden, e.intermediate]), [[1, 64, 128], [3, 48, 96], [4, 32, 64]], 'one entry per change');
  assert.deepEqual(h.masks, [{ step: 200, source: 'student', ...MASKS }]);
  assert.deepEqual(h.maskEvents, [], 'a run made before the mask log');
});

test('runs.pruning steps through the mask events the job logged: any event\'s exact masks, the last one the student\'s', async (t) => {
  const { s, home, runId } = await setUp(t, 'completed', 200);
  const teacher = { layers: 1, hidden: 8, heads: 2, intermediate: 12 };
  const at = (step: number, residual: number[], units: number[]) =>
    encodeMaskEvent({ step, event: step / 50, masks: { residual, heads: [[0, 1]], headDims: [[[0, 1], [2, 3]]].map((l) => l.slice(0, 2)) as number[][][], intermediate: [units] } }, teacher);
  const dir = join(home, 'runs', String(runId));
  mkdirSync(dir, { recursive: true });
  // a resumed attempt wrote step 100 again: the second line at 100 replaces the first and what followed it
  writeFileSync(join(dir, MASK_LOG_FILE), [at(50, [0, 1, 2, 3], [0, 1, 2, 3, 4, 5]), at(100, [0, 1, 2, 3], [0, 1, 2]), at(150, [0, 1, 2, 3], [1]),
    at(100, [0, 1, 2, 3], [5, 6, 7]), at(200, [0, 1, 4, 5], [11])].join('\n') + '\n');
  checkpoint(join(dir, 'checkpoints'), 200, MASKS);
  const h = await s.call('runs.pruning', { id: runId });
  assert.deepEqual(h.maskEvents, [{ step: 50, event: 1 }, { step: 100, event: 2 }, { step: 200, event: 4 }]);
  assert.deepEqual(h.masks.map((m) => [m.step, m.source, m.residual, m.intermediate]), [[200, 'student', [0, 1, 4, 5], [[11]]]], 'the log, not the checkpoint');
  const mid = await s.call('runs.pruning', { id: runId, step: 170 });
  assert.deepEqual(mid.masks.map((m) => [m.step, m.source, m.intermediate, m.headDims]), [[100, 'event', [[5, 6, 7]], [[[0, 1], [2, 3]]]]]);
  assert.equal((await s.call('runs.pruning', { id: runId, step: 3 })).masks[0].step, 50);
  await assert.rejects(s.call('runs.pruning', { id: runId, step: -1 }), /step: expected an integer/);
});

test('runs.dependents lists the group, the runs made from a run and its students with their scores', async (t) => {
  const home = tempHome(t);
  const store = openStore(home);
  const group = store.groups.insert({ name: 'g', config: {} });
  const wid = store.runs.insert({ name: 'g · wid', method: 'wid', config: {}, seed: 1, groupId: group.id });
  store.runs.insert({ name: 'g · distilbert', method: 'distilbert', config: {}, seed: 1, groupId: group.id });
  const student = store.models.insert({ name: 'wid student', kind: 'student', path: '/x', config: {}, parameterCount: 1, fileSize: 1, sourceRunId: wid.id });
  const ft = store.runs.insert({ name: 'ft', method: 'finetune', config: { modelId: student.id }, seed: 1, parentRunId: wid.id, groupId: group.id });
  store.evaluations.insert({ runId: ft.id, modelId: student.id, task: 'SST-2', metric: 'score', value: 0.5 });
  store.close();
  const s = await createService({ home, mode: 'cli', startRunner: false });
  t.after(() => s.close());
  const d = await s.call('runs.dependents', { id: wid.id });
  assert.deepEqual(d.group, { id: group.id, name: 'g', members: 2 });
  assert.deepEqual(d.children.map((c) => c.id), [ft.id]);
  assert.deepEqual(d.students, [{ id: student.id, name: 'wid student', evaluations: 1 }]);
});

test('registration refuses truncated weights and empty corpora, and warns when a path is registered already', async (t) => {
  const home = tempHome(t);
  const s = await createService({ home, mode: 'cli', startRunner: false });
  t.after(() => s.close());
  const cut = join(home, 'cut');
  cpSync(TINY, cut, { recursive: true });
  truncateSync(join(cut, 'model.safetensors'), 100_000);
  await assert.rejects(s.call('models.register', { path: cut }), /path: .*model\.safetensors is truncated: (its header describes [\d,]+ bytes, the file has 100,000|tensor "[^"]+" needs file bytes \d+\.\.\d+ but the file ends at byte 100000)/);
  assert.equal((await s.call('models.register', { path: TINY })).warnings, undefined);
  assert.match((await s.call('models.register', { path: TINY, name: 'again' })).warnings![0], /is registered already as teacher #1 “tiny-teacher”/);
  const empty = join(home, 'empty.txt');
  writeFileSync(empty, '');
  await assert.rejects(s.call('datasets.register', { path: empty, kind: 'corpus' }), /path: .*empty\.txt is empty/);
  await s.call('models.update', { id: 1, name: 'renamed' });
  assert.equal((await s.call('models.get', { id: 1 })).name, 'renamed');
  await assert.rejects(s.call('models.update', { id: 1, name: '  ' }), /name: expected a non-empty/);
});
