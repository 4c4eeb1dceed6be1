import { test } from 'node:test';
import { HARD_KD } from './support/hard-schedule.js';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { disposeWeights } from '../../src-main/engine/bert/index.js';
import { createWidMethod, type WidMethod } from '../../src-main/engine/methods/wid/index.js';
import type { MlmBatch } from '../../src-main/engine/train/method.js';
import { tinyBatch, tinyConfig, tinyTeacher } from './support/tiny-teacher.js';

function batch(): MlmBatch {
  const b = tinyBatch();
  const labels = tf.tensor2d([[-100, 6, -100, 8, 12, -100], [-100, -100, 4, 20, -100, -100]], undefined, 'int32');
  return { ...b, labels };
}

/** Method on the tiny teacher, pruned to the target, with compactors moved off identity (else KD = 0 and its gradient too). */
async function prunedMethod(prefix: string): Promise<{ m: WidMethod; teacher: ReturnType<typeof tinyTeacher> }> {
  await selectBackend('wasm');
  const teacher = tinyTeacher(7);
  const m = createWidMethod({ config: tinyConfig, weights: teacher }, {
    ...HARD_KD, target: { hidden: 6, heads: 3, intermediate: 12 }, pruneEvents: 1, pruneStart: 0, pruneEnd: 0, temperature: 2, variablePrefix: prefix,
  });
  let k = 0;
  for (const v of m.trainableVariables()) {
    k++;
    tf.tidy(() => v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.15, 'float32', 90 + k))));
  }
  await m.afterStepAsync(0, 1);
  return { m, teacher };
}

test('compactor gradients match central finite differences (pruned model, wasm)', async () => {
  const { m, teacher } = await prunedMethod('wid-grad/');
  const b = batch();
  const vars = m.trainableVariables();
  const lossValue = () => tf.tidy(() => m.loss(b, 0).total.dataSync()[0]);
  const { grads } = tf.variableGrads(() => m.loss(b, 0).total, vars);
  const byName = new Map(vars.map((v) => [v.name, v]));
  const names = ['wid-grad/bert.embeddings.row', 'wid-grad/bert.encoder.layer.0.attention.self.query.row',
    'wid-grad/bert.encoder.layer.1.attention.self.key.col', 'wid-grad/bert.encoder.layer.0.attention.output.dense.col',
    'wid-grad/bert.encoder.layer.1.intermediate.dense.row', 'wid-grad/bert.encoder.layer.0.output.dense.col',
    'wid-grad/cls.predictions.transform.dense.row'];
  let checked = 0;
  for (const name of names) {
    const v = byName.get(name)!;
    const g = grads[name].dataSync();
    // the 3 entries with the largest analytic gradient: finite differences in float32 need a visible slope
    const order = Array.from(g.keys()).sort((a, b2) => Math.abs(g[b2]) - Math.abs(g[a])).slice(0, 3);
    for (const i of order) {
      const h = 1e-2;
      const orig = v.dataSync()[i];
      const setAt = (x: number) => tf.tidy(() => {
        const values = v.dataSync().slice();
        values[i] = x;
        v.assign(tf.tensor(values, v.shape));
      });
      setAt(orig + h); const up = lossValue();
      setAt(orig - h); const down = lossValue();
      setAt(orig);
      const numeric = (up - down) / (2 * h);
      assert.ok(Math.abs(numeric - g[i]) <= 2e-3 + 3e-2 * Math.abs(g[i]), `${name}[${i}]: analytic ${g[i]} numeric ${numeric}`);
      checked++;
    }
  }
  assert.equal(checked, 21);
  tf.dispose(Object.values(grads));
  tf.dispose(Object.values(b));
  m.dispose();
  disposeWeights(teacher);
});

test('pruned compactor rows and columns get exactly zero gradient', async () => {
  const { m, teacher } = await prunedMethod('wid-grad0/');
  const b = batch();
  const vars = m.trainableVariables();
  const { grads } = tf.variableGrads(() => m.loss(b, 0).total, vars);
  const masks = m.masks();
  const kept = new Set(masks.intermediate[1]);
  const g = grads['wid-grad0/bert.encoder.layer.1.intermediate.dense.row'].arraySync() as number[][];
  let prunedNonZero = 0, keptNonZero = 0;
  g.forEach((row, i) => { const nz = row.some((x) => x !== 0); if (kept.has(i)) keptNonZero += nz ? 1 : 0; else prunedNonZero += nz ? 1 : 0; });
  assert.equal(prunedNonZero, 0);
  assert.equal(keptNonZero, kept.size);
  const keptRes = new Set(masks.residual);
  const gc = grads['wid-grad0/bert.encoder.layer.0.attention.self.value.col'].arraySync() as number[][];
  for (let j = 0; j < 16; j++) {
    const colNonZero = gc.some((row) => row[j] !== 0);
    assert.equal(colNonZero, keptRes.has(j), `value.col column ${j}`);
  }
  tf.dispose(Object.values(grads));
  tf.dispose(Object.values(b));
  m.dispose();
  disposeWeights(teacher);
});
