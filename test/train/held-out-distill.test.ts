// A method's own distillation loss on held-out batches (train/held-out-distill.ts): no update, no leak, the method's
// objective, the same value twice; and the distill job logging it beside the held-out MLM loss.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { loadHfModel } from '../../src-main/engine/checkpoint/index.js';
import { DISTILL_METHODS, type DistillMethodName } from '../../src-main/engine/methods/registry.js';
import { corpusTokenizerFrom } from '../../src-main/engine/train/corpus-tokenizer.js';
import { heldOutBatches, type HeldOutBatch } from '../../src-main/engine/train/held-out.js';
import { heldOutDistillLoss } from '../../src-main/engine/train/held-out-distill.js';
import { distillJob } from '../../src-main/engine/jobs/distill.js';
import type { JobContext } from '../../src-main/engine/jobs/types.js';
import type { RunProgress } from '../../src-main/shared/api/types.js';

const TEACHER = new URL('../fixtures/bert/tiny-teacher', import.meta.url).pathname;
const CORPUS = new URL('../fixtures/corpus/pride-and-prejudice.txt', import.meta.url).pathname;
const TARGET = { layers: 2, hidden: 32, heads: 4, intermediate: 64 };

let teacher: Awaited<ReturnType<typeof loadHfModel>>;
let batches: HeldOutBatch[];
before(async () => {
  await selectBackend('wasm');
  teacher = await loadHfModel(TEACHER);
  batches = await heldOutBatches(corpusTokenizerFrom(teacher.tokenizer!), CORPUS, 4, 32, 2, 3);
});

async function method(name: DistillMethodName, extra: Record<string, unknown> = {}) {
  const entry = DISTILL_METHODS[name];
  return entry.create({ config: teacher.config, weights: teacher.weights }, { ...entry.options({ target: TARGET, ...extra }), seed: 3 });
}

for (const name of ['wid', 'distilbert', 'tinybert', 'albert', 'mobilebert'] as const) {
  test(`${name}: the held-out evaluation of its own loss changes no weight and leaves no tensor behind`, async () => {
    const m = await method(name);
    try {
      const vars = m.trainableVariables();
      const values = vars.map((v) => v.dataSync().slice());
      await heldOutDistillLoss(m, batches, 0, 10); // first call: kernels and constants that outlive it are not ours
      const beforeCount = tf.memory().numTensors;
      const score = await heldOutDistillLoss(m, batches, 0, 10);
      assert.equal(tf.memory().numTensors, beforeCount, 'no tensor left behind');
      assert.ok(Number.isFinite(score.loss) && score.loss > 0, `${score.loss}`);
      assert.equal(score.batches, 2);
      vars.forEach((v, i) => assert.deepEqual(v.dataSync(), values[i], `${v.name} unchanged`));
      const again = await heldOutDistillLoss(m, batches, 0, 10);
      assert.equal(again.loss, score.loss, 'seeded dropout: the same value at the same step');
    } finally { m.dispose(); }
  });
}

test('the value is the method\'s own objective: the mean of method.loss over the batches, parts included', async () => {
  const m = await method('tinybert', { dropout: 0 });
  try {
    const score = await heldOutDistillLoss(m, batches, 4, 10);
    const byHand = batches.map((b) => tf.tidy(() => {
      const out = m.loss({
        inputIds: tf.tensor2d(b.inputIds, [b.rows, b.seq], 'int32'), attentionMask: tf.tensor2d(b.attentionMask, [b.rows, b.seq], 'int32'),
        tokenTypeIds: tf.zeros([b.rows, b.seq], 'int32') as tf.Tensor2D, labels: tf.tensor2d(b.labels, [b.rows, b.seq], 'int32'),
      }, 4);
      return [out.total.dataSync()[0], out.parts.hidden.dataSync()[0]];
    }));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    assert.ok(Math.abs(score.loss - mean(byHand.map((x) => x[0]))) < 1e-5 * score.loss);
    assert.ok(Math.abs(score.parts.hidden - mean(byHand.map((x) => x[1]))) < 1e-5 * score.parts.hidden);
    assert.deepEqual(Object.keys(score.parts).sort(), ['attention', 'embedding', 'hidden']);
  } finally { m.dispose(); }
});

test('the distill job logs loss/heldout-distill beside loss/heldout-mlm; saveStudent false writes and registers no student', async () => {
  const job = distillJob('tinybert');
  const config = job.parseConfig({ teacherPath: TEACHER, corpusPath: CORPUS, steps: 2, seqLen: 32, batchSize: 4, backend: 'wasm', seed: 3, target: TARGET,
    heldOutEvery: 2, heldOutLines: 40, heldOutBatches: 2, saveStudent: false });
  const workDir = mkdtempSync(join(tmpdir(), 'wid-heldout-distill-'));
  const progress: RunProgress[] = [], metrics: [number, string, number][] = [], models: unknown[] = [];
  const ctx: JobContext = {
    runId: 1, workDir, seed: 3, backend: { name: 'wasm', device: 'test' }, signal: new AbortController().signal, resume: false,
    progress: (p) => progress.push(p), metric: (s, n, v) => metrics.push([s, n, v]), log: () => {}, artifact: () => {}, evaluation: () => {},
    registerModel: (m) => models.push(m),
  };
  const result = await job.run(config, ctx) as { heldOut: { distillFirstLoss: number; distillFinalLoss: number }; student?: unknown; studentSaved?: boolean };
  assert.deepEqual(metrics.filter(([, n]) => n === 'loss/heldout-distill').map(([s]) => s), [0]);
  assert.equal(progress.find((p) => p.step === 2)!.values['loss/heldout-distill'], result.heldOut.distillFinalLoss);
  assert.ok(Number.isFinite(result.heldOut.distillFirstLoss));
  assert.equal(result.student, undefined);
  assert.equal(result.studentSaved, false);
  assert.equal(models.length, 0);
  assert.equal(existsSync(join(workDir, 'student')), false);
});
