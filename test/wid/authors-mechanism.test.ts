// The authors' mechanism (uer/trainer.py, docs/wid.md §3) checked on hand-sized cases: which dims the default
// importance keeps, the penalty's gradient and first-moment rule, the scaled mask schedule, the teacher-width
// forward, the pooler slice of the merge and the KD direction / T² / sign.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { disposeWeights } from '../../src-main/engine/bert/index.js';
import { createWidMethod } from '../../src-main/engine/methods/wid/index.js';
import { createCompactors } from '../../src-main/engine/methods/wid/compactors.js';
import { fullMasks } from '../../src-main/engine/methods/wid/masks.js';
import { mergeStudent } from '../../src-main/engine/methods/wid/merge.js';
import { authorsPenalty, keepVectors, disposeKeepVectors } from '../../src-main/engine/methods/wid/penalty.js';
import { authorsEventDue, authorsEventsAfter, authorsMaskSteps, authorsSizesAt, authorsWStep } from '../../src-main/engine/methods/wid/pruning-schedule.js';
import { effectiveWeights } from '../../src-main/engine/methods/wid/effective-weights.js';
import { bertForward, mlmHead } from '../../src-main/engine/bert/index.js';
import { logitKdLoss } from '../../src-main/engine/methods/wid/kd-loss.js';
import { AdamW } from '../../src-main/engine/train/adamw.js';
import { perturbCompactors, tinyBatch, tinyConfig, tinyTeacher } from './support/tiny-teacher.js';
import { referenceLogits } from './support/teacher-space-reference.js';

const target = { hidden: 8, heads: 4, intermediate: 16 };
const close = (a: number, b: number, tol = 1e-5) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

test("default importance keeps the residual dims whose columns of layer 0's value compactor are largest (not its rows)", async () => {
  await selectBackend('wasm');
  const teacher = tinyTeacher(21);
  const m = createWidMethod({ config: tinyConfig, weights: teacher }, { target, teacherLr: 0, maskEvery: 1, variablePrefix: 'wid-imp/' });
  const v = m.trainableVariables().find((x) => x.name === 'wid-imp/bert.encoder.layer.0.attention.self.value.col')!;
  // columns 8..15 large, rows 0..7 large: the column criterion keeps 8..15, a row criterion or a negated score keeps 0..7
  const cols = Array.from({ length: 16 }, (_, j) => (j >= 8 ? 3 : 0.2));
  const rows = Array.from({ length: 16 }, (_, i) => (i < 8 ? 10 : 1));
  v.assign(tf.tidy(() => tf.mul(tf.tensor2d(rows, [16, 1]), tf.tensor2d(cols, [1, 16]))));
  await m.afterStepAsync(0, 1); // the last step lands on the target
  assert.deepEqual(m.masks().residual, [8, 9, 10, 11, 12, 13, 14, 15]);
  m.dispose();
  disposeWeights(teacher);
});

test("the penalty: L2 pull before the first mask, then min(λ,1)·param on masked columns and (λ−1)·param into Adam's first moment", async () => {
  await selectBackend('wasm');
  const cfg = { ...tinyConfig, hiddenSize: 2, numAttentionHeads: 1, intermediateSize: 2, numHiddenLayers: 1 };
  const masks = fullMasks(cfg);
  masks.residual = [0, 1];
  masks.intermediate = [[0]]; // FFN dim 1 masked: FFN-out column compactor column 1 decays
  const p = tf.variable(tf.tensor2d([[1, 0.5], [2, -4]]), true, 'pen/out.col');
  const g = tf.tensor2d([[0.1, 0.2], [0.3, 0.4]]);
  const target = { variable: p, group: { kind: 'intermediate' as const, layer: 0 }, axis: 'cols' as const, compactor: true };
  const adam = new AdamW([p], { weightDecay: 0, beta1: 0.9, beta2: 0.999, epsilon: 1e-6 });
  const keep = keepVectors(cfg, masks);
  // step 1 <= firstMaskStep 2: gradient + param everywhere, nothing in the moment
  const before = authorsPenalty({ [p.name]: g }, [target], keep, { step: 1, firstMaskStep: 2, lambda: 20 }, adam);
  assert.deepEqual(Array.from(before[p.name].dataSync()), [1.1, 0.7, 2.3, -3.6].map((x) => Math.fround(x)));
  assert.deepEqual(Array.from(adam.firstMoment(p.name)!.dataSync()), [0, 0, 0, 0]);
  // step 3 > firstMaskStep: column 1 masked → gradient = min(20,1)·param; m ← 0.9·m + 0.1·19·param there
  const after = authorsPenalty({ [p.name]: g }, [target], keep, { step: 3, firstMaskStep: 2, lambda: 20 }, adam);
  const ga = Array.from(after[p.name].dataSync());
  [0.1, 0.5, 0.3, -4].forEach((x, i) => assert.ok(close(ga[i], x), `grad[${i}] ${ga[i]} vs ${x}`));
  const m = Array.from(adam.firstMoment(p.name)!.dataSync());
  [0, 0.95, 0, -7.6].forEach((x, i) => assert.ok(close(m[i], x), `m[${i}] ${m[i]} vs ${x}`));
  // one Adam step from there, by hand: m1 = 0.9·m + 0.1·g', v1 = 0.001·g'², update = (m1/0.1) / (sqrt(v1/0.001) + eps)
  adam.applyGradients(after, 0.01);
  const got = Array.from(p.dataSync());
  const p0 = [1, 0.5, 2, -4];
  ga.forEach((gi, i) => {
    const m1 = 0.9 * m[i] + 0.1 * gi, v1 = 0.001 * gi * gi;
    const expected = p0[i] - 0.01 * (m1 / 0.1) / (Math.sqrt(v1 / 0.001) + 1e-6);
    assert.ok(close(got[i], expected, 1e-4), `param[${i}] ${got[i]} vs ${expected}`);
  });
  // the masked entries moved toward zero by far more than one lr (the injected moment), the kept ones by one lr
  assert.ok(Math.abs(got[1]) < 0.5 - 0.05 && Math.abs(got[3]) < 4 - 0.05, `masked column ${got[1]}, ${got[3]}`);
  tf.dispose([...Object.values(before), ...Object.values(after), g, p]);
  disposeKeepVectors(keep);
  adam.dispose();
});

test("the authors' schedule scales w_step to the run (floor 1 step) and moves residual/attention in 8 cuts, the FFN in 16", () => {
  assert.equal(authorsWStep(400_000, 500 / 400_000), 500);
  assert.equal(authorsWStep(2000, 500 / 400_000), 3);
  assert.equal(authorsWStep(100, 500 / 400_000), 1);
  const teacher = { hidden: 768, heads: 12, headDim: 64, intermediate: 3072 };
  const tgt = { hidden: 192, heads: 12, headDim: 16, intermediate: 768 };
  assert.deepEqual(authorsSizesAt(teacher, tgt, 1), { hidden: 12 * 58, heads: 12, headDim: 58, intermediate: 3072 - 144 });
  assert.deepEqual(authorsSizesAt(teacher, tgt, 8), { ...tgt, intermediate: 3072 - 1152 });
  assert.deepEqual(authorsSizesAt(teacher, tgt, 16), tgt);
  assert.deepEqual(authorsSizesAt(teacher, tgt, 40), tgt);
});

test('firstMaskAt moves the first mask alone: the later masks follow it every w_step, and without it the first comes after one w_step', async () => {
  // the issue-23 series: 10,000 steps, the authors' w_step scaled to 13, the first mask at their 500 steps
  const when = authorsMaskSteps(10_000, 500 / 400_000, 0.05);
  assert.deepEqual(when, { first: 500, every: 13 });
  assert.deepEqual([499, 500, 512, 513, 526].map((c) => authorsEventsAfter(c, when)), [0, 1, 1, 2, 3]);
  assert.deepEqual([13, 499, 500, 501, 513].map((c) => authorsEventDue(c, when)), [false, false, true, false, true]);
  const plain = authorsMaskSteps(10_000, 500 / 400_000);
  assert.deepEqual(plain, { first: 13, every: 13 });
  assert.deepEqual([12, 13, 25, 26, 39].map((c) => authorsEventsAfter(c, plain)), [0, 1, 1, 2, 3]);
  // the method: 20 steps, w_step 2, first mask after 10 steps; the widths change first there, then every 2 steps
  await selectBackend('wasm');
  const teacher = tinyTeacher(23);
  const m = createWidMethod({ config: tinyConfig, weights: teacher }, { target, teacherLr: 0, maskEvery: 0.1, firstMaskAt: 0.5, variablePrefix: 'wid-first/' });
  const changedAfter: number[] = [];
  let last = JSON.stringify(m.currentSizes());
  for (let step = 0; step < 20; step++) {
    await m.afterStepAsync(step, 20);
    const now = JSON.stringify(m.currentSizes());
    if (now !== last) changedAfter.push(step + 1);
    last = now;
  }
  assert.equal(changedAfter[0], 10, `widths changed after steps ${changedAfter}`);
  assert.ok(changedAfter.slice(1).every((c) => (c - 10) % 2 === 0), `widths changed after steps ${changedAfter}`);
  // the 10th step is taken before the first mask, the 11th after it (the penalty switches there)
  assert.deepEqual([m.stepKey!(9, 20), m.stepKey!(10, 20)], ['authors:masks:before-first-mask', 'authors:masks:masked']);
  m.dispose();
  disposeWeights(teacher);
});

test('the default WID run: masks every w_step, target at the last step, masked dims decay, loss is MLM only', async () => {
  await selectBackend('wasm');
  const teacher = tinyTeacher(22);
  const m = createWidMethod({ config: tinyConfig, weights: teacher }, { target, variablePrefix: 'wid-run/' });
  const labels = tf.tensor2d([[-100, 6, -100, 8, 12, -100], [-100, -100, 4, 20, -100, -100]], undefined, 'int32');
  const batch = { ...tinyBatch(), labels };
  const adam = new AdamW(m.trainableVariables(), { weightDecay: 0.01, lrScale: (n) => m.learningRateOf!(n, 5e-3) / 5e-3 });
  const total = 40; // w_step = max(1, round(40 · 0.00125)) = 1: a mask every step
  const emb = m.trainableVariables().find((v) => v.name === 'wid-run/bert.embeddings.row')!;
  let maskedNormAtFirstMask = NaN;
  for (let step = 0; step < total; step++) {
    const { grads, value } = tf.variableGrads(() => {
      const r = m.loss(batch, step);
      assert.deepEqual(Object.keys(r.parts), ['mlm']);
      return r.total;
    }, m.trainableVariables());
    const adjusted = m.adjustGradients!(grads, step, total, adam);
    adam.applyGradients({ ...grads, ...adjusted }, 5e-3);
    tf.dispose([value, ...Object.values(grads), ...Object.values(adjusted)]);
    await m.afterStepAsync(step, total);
    const masked = [...Array(16).keys()].filter((j) => !m.masks().residual.includes(j));
    const rowNorm = () => tf.tidy(() => tf.norm(tf.gather(emb, masked)).dataSync()[0]);
    if (step === 1) maskedNormAtFirstMask = rowNorm();
    if (step === total - 2) assert.ok(rowNorm() < 0.5 * maskedNormAtFirstMask, `masked embedding-compactor rows ${rowNorm()} vs ${maskedNormAtFirstMask} at the first mask`);
  }
  assert.deepEqual(m.currentSizes(), { hidden: 8, heads: 4, headDim: 2, intermediate: 16 });
  tf.dispose(Object.values(batch));
  adam.dispose();
  m.dispose();
  disposeWeights(teacher);
});

test('the teacher-width forward equals the independent masked reference once masked entries are zero', async () => {
  await selectBackend('wasm');
  const teacher = tinyTeacher(23);
  const c = createCompactors(tinyConfig);
  perturbCompactors(c, 5);
  const masks = fullMasks(tinyConfig);
  masks.residual = [0, 2, 3, 5, 8, 9, 12, 15];
  masks.intermediate = masks.intermediate.map((d) => d.filter((i) => i % 3 !== 0));
  masks.headDims = masks.headDims.map((l) => l.map((d) => d.filter((i) => i !== 1)));
  // zero what the authors' penalty drives to zero: masked compactor rows/cols and masked LayerNorm entries
  const t = { ...teacher };
  const res = tf.tensor1d(Array.from({ length: 16 }, (_, j) => (masks.residual.includes(j) ? 1 : 0)));
  for (const k of Object.keys(t)) if (/LayerNorm\.(weight|bias)$/.test(k)) t[k] = tf.mul(t[k], res);
  const keep = keepVectors(tinyConfig, masks);
  for (const [key, v] of Object.entries(c)) {
    const group = key === 'bert.embeddings.row' || /(output\.dense\.row|attention\.output\.dense\.row|self\.\w+\.col|intermediate\.dense\.col|transform\.dense\.(col|row))$/.test(key) ? keep.residual
      : /self\.\w+\.row|attention\.output\.dense\.col/.test(key) ? keep.attention[Number(/layer\.(\d+)/.exec(key)![1])]
        : keep.intermediate[Number(/layer\.(\d+)/.exec(key)![1])];
    const isRow = key.endsWith('.row');
    tf.tidy(() => v.assign(tf.mul(v, isRow ? group.reshape([-1, 1]) : group.reshape([1, -1]))));
  }
  const b = tinyBatch();
  const diff = tf.tidy(() => {
    const full = fullMasks(tinyConfig);
    const nullIdx = { residual: null, attention: [null, null], intermediate: [null, null] };
    const eff = effectiveWeights(t, tinyConfig, c, full, nullIdx);
    const ours = mlmHead(eff.weights, tinyConfig, bertForward(eff.weights, tinyConfig, b, { layerNormKeep: keep.residual }).lastHiddenState, { layerNormKeep: keep.residual });
    const ref = referenceLogits(teacher, tinyConfig, c, masks, b.inputIds, b.attentionMask, b.tokenTypeIds);
    return tf.max(tf.abs(tf.sub(ours, ref))).dataSync()[0];
  });
  assert.ok(diff < 1e-4, `max |ours − reference| = ${diff}`);
  disposeKeepVectors(keep);
  disposeWeights(teacher);
  tf.dispose([res, ...Object.values(b), ...Object.values(c), ...Object.keys(t).filter((k) => /LayerNorm/.test(k)).map((k) => t[k])]);
});

test('the merge slices the pooler rows and columns by the residual mask, untransposed', async () => {
  await selectBackend('wasm');
  const teacher = tinyTeacher(24, tinyConfig, true);
  const c = createCompactors(tinyConfig);
  const masks = fullMasks(tinyConfig);
  masks.residual = [1, 4, 6, 7];
  masks.heads = masks.heads.map(() => [0, 1]);
  masks.headDims = masks.headDims.map(() => [[0, 1], [2, 3]]);
  const merged = mergeStudent(teacher, tinyConfig, c, masks);
  const W = teacher['bert.pooler.dense.weight'].arraySync() as number[][];
  const expected = masks.residual.map((i) => masks.residual.map((j) => W[i][j]));
  assert.deepEqual(merged.weights['bert.pooler.dense.weight'].arraySync(), expected);
  const bias = teacher['bert.pooler.dense.bias'].arraySync() as number[];
  assert.deepEqual(merged.weights['bert.pooler.dense.bias'].arraySync(), masks.residual.map((i) => bias[i]));
  disposeWeights(merged.weights);
  disposeWeights(teacher);
  tf.dispose(Object.values(c));
});

test('logit KD is T²·KL(teacher ‖ student) at the masked positions, and never below zero', async () => {
  await selectBackend('wasm');
  const s = [[2.5, 0.3, -1], [0.5, 0.5, 3]], t = [[0, 1, 3], [1, -2, 0.3]];
  const T = 2;
  const softmax = (x: number[]) => { const e = x.map((v) => Math.exp(v / T)); const z = e.reduce((a, b) => a + b); return e.map((v) => v / z); };
  const kl = (p: number[], q: number[]) => p.reduce((a, pi, i) => a + pi * Math.log(pi / q[i]), 0);
  const expected = T * T * kl(softmax(t[0]), softmax(s[0])); // position 1 is not masked (label -100)
  const got = tf.tidy(() => logitKdLoss(tf.tensor3d([s]), tf.tensor3d([t]), tf.tensor2d([[1, -100]], undefined, 'int32'), T).dataSync()[0]);
  assert.ok(close(got, expected), `KD ${got} vs T²·KL(t‖s) ${expected} (KL(s‖t) would be ${T * T * kl(softmax(s[0]), softmax(t[0]))})`);
  const same = tf.tidy(() => {
    const big = tf.mul(tf.randomNormal([2, 5, 4096], 0, 1, 'float32', 3), 30) as tf.Tensor3D;
    return logitKdLoss(big, big, tf.zeros([2, 5], 'int32') as tf.Tensor2D, 1).dataSync()[0];
  });
  assert.ok(same >= 0, `KL of identical logits ${same}`);
});
