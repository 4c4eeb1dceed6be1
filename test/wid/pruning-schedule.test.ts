import { test } from 'node:test';
import { HARD_KD } from './support/hard-schedule.js';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { BertConfig, disposeWeights, parameterCount } from '../../src-main/engine/bert/index.js';
import { createWidMethod, presetSizes, resolveTargetSizes } from '../../src-main/engine/methods/wid/index.js';
import { eventsDue } from '../../src-main/engine/methods/wid/pruning-schedule.js';
import { tinyConfig, tinyTeacher } from './support/tiny-teacher.js';

const bertBase: BertConfig = {
  vocabSize: 30522, hiddenSize: 768, numHiddenLayers: 12, numAttentionHeads: 12, intermediateSize: 3072,
  maxPositionEmbeddings: 512, typeVocabSize: 2, layerNormEps: 1e-12, hiddenAct: 'gelu',
};

test('the schedule reaches exactly the target sizes, shrinking monotonically through every event', async () => {
  await selectBackend('wasm');
  const teacher = tinyTeacher(1);
  const m = createWidMethod({ config: tinyConfig, weights: teacher }, {
    ...HARD_KD, target: { hidden: 6, heads: 3, intermediate: 10 }, pruneStart: 0.2, pruneEnd: 0.8, pruneEvents: 4, variablePrefix: 'wid-sched/',
  });
  const total = 20;
  let prev = { hidden: 16, heads: 4, headDim: 4, intermediate: 32 };
  const seen: number[] = [];
  for (let step = 0; step < total; step++) {
    const v = await m.afterStepAsync(step, total) as Record<string, number>;
    const now = m.currentSizes();
    assert.equal(v['size/hidden'], now.hidden);
    assert.equal(now.hidden, now.heads * now.headDim);
    for (const k of ['hidden', 'heads', 'headDim', 'intermediate'] as const) assert.ok(now[k] <= prev[k], `${k} grew at step ${step}`);
    prev = now;
    seen.push(m.eventsApplied());
  }
  assert.deepEqual(m.currentSizes(), { hidden: 6, heads: 3, headDim: 2, intermediate: 10 });
  assert.equal(new Set(seen).size, 5); // 0 plus four distinct events
  const masks = m.masks();
  assert.equal(masks.residual.length, 6);
  for (let l = 0; l < 2; l++) {
    assert.equal(masks.heads[l].length, 3);
    for (const dims of masks.headDims[l]) assert.equal(dims.length, 2);
    assert.equal(masks.intermediate[l].length, 10);
  }
  const student = m.exportStudent();
  assert.equal(student.config.hiddenSize, 6);
  assert.equal(student.config.numAttentionHeads, 3);
  assert.equal(student.config.intermediateSize, 10);
  assert.deepEqual(student.weights['bert.encoder.layer.1.intermediate.dense.weight'].shape, [10, 6]);
  disposeWeights(student.weights);
  m.dispose();
  disposeWeights(teacher);
});

test('events are spread evenly over the pruning window and all are done at the last step', () => {
  const o = { pruneStart: 0.5, pruneEnd: 1, pruneEvents: 3 };
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7, 8].map((done) => eventsDue(done, 8, o)), [0, 0, 0, 0, 1, 1, 2, 2, 3]);
  assert.equal(eventsDue(2, 2, { pruneStart: 0.9, pruneEnd: 0.9, pruneEvents: 5 }), 5);
});

test('presets give about half and a tenth of the teacher parameters, for BERT-base and for a small teacher', () => {
  const small: BertConfig = { ...tinyConfig, vocabSize: 500, hiddenSize: 64, intermediateSize: 128 };
  for (const [cfg, strategy] of [[bertBase, 'dim'], [bertBase, 'head'], [small, 'dim']] as const) {
    const teacherParams = parameterCount(cfg);
    for (const [preset, ratio] of [['wid55', 0.5], ['wid11', 0.1]] as const) {
      const s = presetSizes(cfg, preset, strategy);
      if (strategy === 'dim') assert.equal(s.heads, cfg.numAttentionHeads);
      else assert.equal(s.headDim, cfg.hiddenSize / cfg.numAttentionHeads);
      const student = parameterCount({ ...cfg, hiddenSize: s.hidden, numAttentionHeads: s.heads, intermediateSize: s.intermediate });
      const got = student / teacherParams;
      assert.ok(Math.abs(got - ratio) < 0.03, `${preset}/${strategy} on hidden ${cfg.hiddenSize}: ratio ${got}`);
    }
  }
  // the paper's students: 12-516 (authors' config 12-516) / 12-512 with 8 heads, and 12-192
  assert.deepEqual(presetSizes(bertBase, 'wid55'), { hidden: 516, heads: 12, headDim: 43, intermediate: 2064 });
  assert.deepEqual(presetSizes(bertBase, 'wid55', 'head'), { hidden: 512, heads: 8, headDim: 64, intermediate: 2048 });
  assert.deepEqual(presetSizes(bertBase, 'wid11'), { hidden: 192, heads: 12, headDim: 16, intermediate: 768 });
});

test('impossible targets are rejected with an error naming the field', () => {
  const cases: [unknown, RegExp][] = [
    [{ hidden: 32, heads: 4, intermediate: 8 }, /target\.hidden must be at most .*16/],
    [{ hidden: 8, heads: 8, intermediate: 8 }, /target\.heads must be at most .*4/],
    [{ hidden: 8, heads: 4, intermediate: 64 }, /target\.intermediate must be at most .*32/],
    [{ hidden: 9, heads: 2, intermediate: 8 }, /target\.hidden \(9\) must be divisible by target\.heads/],
    [{ hidden: 8, heads: 1, intermediate: 8 }, /target\.heads too small/],
    [{ hidden: 8, heads: 2, intermediate: 8, layers: 1 }, /target\.layers must equal .*\(2\)/],
    [{ hidden: 0, heads: 2, intermediate: 8 }, /target\.hidden must be a positive integer/],
  ];
  for (const [target, re] of cases) {
    assert.throws(() => resolveTargetSizes(tinyConfig, { target: target as never }), re);
  }
  assert.throws(() => resolveTargetSizes(tinyConfig, {}), /target .* or a preset/);
  assert.throws(() => resolveTargetSizes(tinyConfig, { preset: 'wid99' as never }), /preset must be one of wid55, wid11/);
});

test('bad method options are rejected with an error naming the option', async () => {
  await selectBackend('wasm');
  const teacher = tinyTeacher(2);
  const target = { hidden: 8, heads: 4, intermediate: 8 };
  const t = { config: tinyConfig, weights: teacher };
  assert.throws(() => createWidMethod(t, { target, temperature: 0 }), /wid\.temperature: expected a number > 0 \(at most 100\), got 0/);
  assert.throws(() => createWidMethod(t, { target, pruneStart: 0.7, pruneEnd: 0.5 }), /wid\.pruneEnd: expected a fraction in \[pruneStart=0.7, 1\], got 0.5/);
  assert.throws(() => createWidMethod(t, { target, pruneEvents: 0 }), /wid\.pruneEvents: expected an integer from 1 to 10000, got 0/);
  assert.throws(() => createWidMethod(t, { target, importance: 'magic' as never }), /wid\.importance: expected one of "compactor", "compactor-all", "effective", got "magic"/);
  // a rejected config leaves no variables behind: the same prefix can be used right after
  const m = createWidMethod(t, { target });
  m.dispose();
  disposeWeights(teacher);
});

test('an unknown WID option is rejected with the list of known ones', async () => {
  await selectBackend('wasm');
  const teacher = tinyTeacher(2);
  assert.throws(() => createWidMethod({ config: tinyConfig, weights: teacher }, { target: { hidden: 8, heads: 4, intermediate: 8 }, temprature: 2 } as never),
    /wid\.temprature: unknown option; expected one of target, preset, .*temperature/);
  disposeWeights(teacher);
});

test("the summed compactor-norm criterion ('compactor-all') also reaches the target and keeps the dims whose compactor columns are largest", async () => {
  await selectBackend('wasm');
  const teacher = tinyTeacher(6);
  const m = createWidMethod({ config: tinyConfig, weights: teacher }, {
    ...HARD_KD, target: { hidden: 8, heads: 4, intermediate: 16 }, importance: 'compactor-all', pruneStart: 0, pruneEnd: 0, pruneEvents: 1, variablePrefix: 'wid-cnorm/',
  });
  // make residual dims 3 and 11 (teacher indices) unimportant in every compactor that touches the residual stream
  const residualKeys = m.trainableVariables().filter((v) => /(embeddings\.row|output\.dense\.row|output\.dense\.row|self\.(query|key|value)\.col|intermediate\.dense\.col|transform\.dense\.col)$/.test(v.name) && v.shape[0] === 16);
  for (const v of residualKeys) {
    tf.tidy(() => {
      const scale = tf.tensor1d(Array.from({ length: 16 }, (_, i) => (i === 3 || i === 11 ? 0.01 : 1)));
      const isRow = /\.row$/.test(v.name);
      v.assign(tf.mul(v, isRow ? scale.reshape([16, 1]) : scale.reshape([1, 16])));
    });
  }
  await m.afterStepAsync(0, 1);
  assert.equal(m.currentSizes().hidden, 8);
  assert.ok(!m.masks().residual.includes(3) && !m.masks().residual.includes(11), `kept ${m.masks().residual}`);
  m.dispose();
  disposeWeights(teacher);
});
