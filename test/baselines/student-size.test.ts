// Student sizes come from the shared `target` / `preset` keys of a run config, scaled to the teacher.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parameterCount, type BertConfig } from '../../src-main/engine/bert/index.js';
import { resolveStudentTarget, studentConfig } from '../../src-main/engine/methods/common/student-size.js';
import { methodOptionsOf } from '../../src-main/engine/jobs/distill-options.js';
import { DISTILBERT_DEFAULTS } from '../../src-main/engine/methods/distilbert/index.js';
import { TINYBERT_DEFAULTS } from '../../src-main/engine/methods/tinybert/index.js';

const base: BertConfig = {
  vocabSize: 30522, hiddenSize: 768, numHiddenLayers: 12, numAttentionHeads: 12, intermediateSize: 3072,
  maxPositionEmbeddings: 512, typeVocabSize: 2, layerNormEps: 1e-12, hiddenAct: 'gelu',
};

test('without target or preset each method gets its published default shape', () => {
  assert.deepEqual(resolveStudentTarget(base, {}, 'distilbert'), { layers: 6, hidden: 768, heads: 12, intermediate: 3072 });
  assert.deepEqual(resolveStudentTarget(base, {}, 'tinybert-4l-312h'), { layers: 4, hidden: 312, heads: 12, intermediate: 1200 });
});

test('target keys override the preset one by one', () => {
  assert.deepEqual(resolveStudentTarget(base, { preset: 'tinybert-6l-768h', target: { layers: 3 } }, 'distilbert'),
    { layers: 3, hidden: 768, heads: 12, intermediate: 3072 });
});

test("WID's parameter-ratio presets give the baselines WID's shape at the teacher's depth", () => {
  const t = resolveStudentTarget(base, { preset: 'wid55' }, 'distilbert');
  assert.equal(t.layers, 12);
  const ratio = parameterCount(studentConfig(base, t)) / parameterCount(base);
  assert.ok(Math.abs(ratio - 0.5) < 0.05, `ratio ${ratio}`);
});

test('bad sizes and unknown presets are refused naming the key', () => {
  assert.throws(() => resolveStudentTarget(base, { target: { hidden: 0 } }, 'distilbert'), /target.hidden must be a positive integer, got 0/);
  assert.throws(() => resolveStudentTarget(base, { target: 'small' }, 'distilbert'), /target must be an object/);
  assert.throws(() => resolveStudentTarget(base, { preset: 'huge' }, 'distilbert'), /preset must be one of distilbert, tinybert-4l-312h, tinybert-6l-768h, wid55, wid11, got "huge"/);
});

test('the student config keeps the teacher vocabulary and drops task-head keys', () => {
  const cfg = studentConfig({ ...base, numLabels: 3, raw: { num_labels: 3, vocab_size: 30522 } }, { layers: 2, hidden: 64, heads: 2, intermediate: 128 });
  assert.equal(cfg.vocabSize, 30522);
  assert.equal(cfg.numLabels, undefined);
  assert.equal(cfg.raw?.num_labels, undefined);
});

test('run-config options: shared target/preset/seed plus the method sub-object, bad values named', () => {
  const shared = { target: { layers: 2 }, seed: 4, steps: 10, distilbert: { temperature: 3 }, tinybert: { weights: { prediction: 0 } } };
  // the options as the method runs them: its own and the shared keys over its schema's defaults
  assert.deepEqual(methodOptionsOf('distilbert', shared), { ...DISTILBERT_DEFAULTS, temperature: 3, target: { layers: 2 }, seed: 4 });
  assert.deepEqual(methodOptionsOf('tinybert', shared), { ...TINYBERT_DEFAULTS, target: { layers: 2 }, seed: 4 });
  assert.throws(() => methodOptionsOf('distilbert', { distilbert: { alpha: { ce: -1 } } }), /distilbert\.alpha\.ce: expected a number >= 0 \(at most 1000\), got -1/);
  assert.throws(() => methodOptionsOf('tinybert', { tinybert: 5 }), /tinybert: expected an object of tinybert options, got 5/);
  assert.throws(() => methodOptionsOf('tinybert', { seed: 1.5 }), /tinybert\.seed: expected an integer from 0 to 2147483647, got 1\.5/);
});
