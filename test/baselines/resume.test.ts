// Stopping a baseline run and resuming it from its checkpoint gives the same losses as an uninterrupted run
// (student variables and W_h restored by name, dropout masks seeded by step).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { disposeWeights } from '../../src-main/engine/bert/index.js';
import { loadHfModel, type LoadedHfModel } from '../../src-main/engine/checkpoint/index.js';
import { createDistilBertMethod } from '../../src-main/engine/methods/distilbert/index.js';
import { createTinyBertMethod } from '../../src-main/engine/methods/tinybert/index.js';
import type { DistillMethod } from '../../src-main/engine/train/method.js';
import { stopResumeLosses } from './support/stop-resume.js';
import { TINY_TEACHER } from './support/tiny-run.js';

let teacher: LoadedHfModel;
before(async () => {
  await selectBackend('wasm');
  teacher = await loadHfModel(TINY_TEACHER);
});
after(() => disposeWeights(teacher.weights));

/** Losses of a 4-step run in `dir`; `stopAfter` aborts it after that step (the loop then checkpoints). */
const losses = async (make: () => DistillMethod, dir: string, resume: boolean, stopAfter?: number) =>
  (await stopResumeLosses(teacher, make, dir, resume, { steps: 4, stopAfter })).losses;

for (const [name, make] of [
  ['DistilBERT', () => createDistilBertMethod(teacher, { seed: 4, target: { layers: 1, hidden: 32, heads: 2, intermediate: 64 } })],
  ['TinyBERT', () => createTinyBertMethod(teacher, { seed: 4 })],
] as const) {
  test(`${name}: stopped after 2 of 4 steps and resumed, it gives the losses of an uninterrupted run`, async () => {
    const straight = await losses(make, mkdtempSync(join(tmpdir(), 'wid-bl-resume-')), false);
    const dir = mkdtempSync(join(tmpdir(), 'wid-bl-resume-'));
    const first = await losses(make, dir, false, 2);
    const rest = await losses(make, dir, true);
    assert.equal(first.length, 2);
    assert.deepEqual([...first, ...rest], straight);
  });
}
