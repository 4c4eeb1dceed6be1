import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { bertForward, disposeWeights, mlmHead } from '../../src-main/engine/bert/index.js';
import { maskedLmLoss } from '../../src-main/engine/bert/mlm-loss.js';
import { createWidMethod, type WidObjective } from '../../src-main/engine/methods/wid/index.js';
import { tinyBatch, tinyConfig, tinyTeacher } from './support/tiny-teacher.js';

// identity compactors, no dropout: the compactor model is then exactly the teacher
const EXACT = { dropout: 0 };

const target = { hidden: 8, heads: 4, intermediate: 16 };

function setup(seed: number) {
  const teacher = tinyTeacher(seed);
  const labels = tf.tensor2d([[-100, 6, -100, 8, 12, -100], [-100, -100, 4, 20, -100, -100]], undefined, 'int32');
  return { teacher, batch: { ...tinyBatch(), labels } };
}

function lossValues(objective: WidObjective | undefined, seed: number, prefix: string) {
  const { teacher, batch } = setup(seed);
  const m = createWidMethod({ config: tinyConfig, weights: teacher }, { target, ...EXACT, ...(objective ? { objective } : {}), variablePrefix: prefix });
  const { total, parts } = tf.tidy(() => {
    const r = m.loss(batch, 0);
    return { total: r.total.dataSync()[0], parts: Object.fromEntries(Object.entries(r.parts).map(([k, v]) => [k, v.dataSync()[0]])) };
  });
  // at step 0 the compactors are identities, so the compactor model is the teacher
  const teacherMlm = tf.tidy(() => maskedLmLoss(mlmHead(teacher, tinyConfig, bertForward(teacher, tinyConfig, batch).lastHiddenState), batch.labels).dataSync()[0]);
  m.dispose();
  tf.dispose(Object.values(batch));
  disposeWeights(teacher);
  return { total, parts, teacherMlm };
}

test("the default objective is the paper's hard MLM loss alone: no logit or feature alignment term", async () => {
  await selectBackend('wasm');
  const r = lossValues(undefined, 11, 'wid-obj-default/');
  assert.deepEqual(Object.keys(r.parts), ['mlm']);
  assert.ok(Math.abs(r.total - r.teacherMlm) < 1e-5, `default loss ${r.total} vs the teacher's MLM loss ${r.teacherMlm}`);
});

test("objective 'kd' is logit KD alone (0 while the compactors are identities)", async () => {
  await selectBackend('wasm');
  const r = lossValues('kd', 11, 'wid-obj-kd/');
  assert.deepEqual(Object.keys(r.parts), ['kd']);
  assert.ok(r.total >= 0 && r.total < 1e-5, `kd at identity init = ${r.total}`);
});

test("objective 'mlm' is the hard-label masked-LM loss of the compactor model", async () => {
  await selectBackend('wasm');
  const r = lossValues('mlm', 12, 'wid-obj-mlm/');
  assert.deepEqual(Object.keys(r.parts), ['mlm']);
  assert.ok(r.teacherMlm > 1, `teacher MLM loss ${r.teacherMlm}`);
  assert.ok(Math.abs(r.total - r.teacherMlm) < 1e-5, `mlm ${r.total} vs teacher's ${r.teacherMlm}`);
});

test("objective 'mlm+kd' is the sum of both parts", async () => {
  await selectBackend('wasm');
  const r = lossValues('mlm+kd', 13, 'wid-obj-both/');
  assert.deepEqual(Object.keys(r.parts).sort(), ['kd', 'mlm']);
  assert.ok(Math.abs(r.total - (r.parts.kd + r.parts.mlm)) < 1e-6);
  assert.ok(Math.abs(r.parts.mlm - r.teacherMlm) < 1e-5);
});

test("objective 'mlm' sends a gradient to the compactors without leaking tensors", async () => {
  await selectBackend('wasm');
  const { teacher, batch } = setup(14);
  const m = createWidMethod({ config: tinyConfig, weights: teacher }, { target, objective: 'mlm', variablePrefix: 'wid-obj-grad/' });
  const before = tf.memory().numTensors;
  const norm = tf.tidy(() => {
    const { grads } = tf.variableGrads(() => m.loss(batch, 0).total, m.trainableVariables());
    return tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))).dataSync()[0];
  });
  assert.equal(tf.memory().numTensors, before);
  assert.ok(norm > 0, `squared gradient norm ${norm}`);
  m.dispose();
  tf.dispose(Object.values(batch));
  disposeWeights(teacher);
});

test('an unknown objective is refused, naming the option', () => {
  const teacher = tinyTeacher(15);
  assert.throws(() => createWidMethod({ config: tinyConfig, weights: teacher }, { target, objective: 'mse' as WidObjective }),
    /wid\.objective: expected one of "mlm", "kd", "mlm\+kd", got "mse"/);
  disposeWeights(teacher);
});
