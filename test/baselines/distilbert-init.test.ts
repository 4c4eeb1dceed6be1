// DistilBERT initialisation copies exactly the chosen teacher layers (byte-equal tensors).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { initBertWeights, disposeWeights, type BertConfig } from '../../src-main/engine/bert/index.js';
import {
  createDistilBertMethod, defaultDistilBertLayerMap, resolveDistilBertSetup,
} from '../../src-main/engine/methods/distilbert/index.js';
import { headSliceIndices, narrowIndexMaps } from '../../src-main/engine/methods/distilbert/student-init.js';

before(async () => { await selectBackend('wasm'); });

const teacherCfg: BertConfig = {
  vocabSize: 30, hiddenSize: 8, numHiddenLayers: 4, numAttentionHeads: 2, intermediateSize: 16,
  maxPositionEmbeddings: 16, typeVocabSize: 2, layerNormEps: 1e-12, hiddenAct: 'gelu',
};

const bytes = (t: tf.Tensor) => Buffer.from((t.dataSync() as Float32Array).buffer).toString('hex');

test('the default layer map of a 12-layer teacher and 6-layer student is the published [0, 2, 4, 7, 9, 11]', () => {
  assert.deepEqual(defaultDistilBertLayerMap(12, 6), [0, 2, 4, 7, 9, 11]);
  assert.deepEqual(defaultDistilBertLayerMap(4, 2), [0, 3]);
  assert.deepEqual(defaultDistilBertLayerMap(4, 1), [0]);
});

test('student layer i is a byte-equal copy of teacher layer layerMap[i]; embeddings and MLM head are copied', () => {
  const weights = initBertWeights(teacherCfg, 7);
  const method = createDistilBertMethod({ config: teacherCfg, weights }, { target: { layers: 2 }, layerMap: [3, 1], tokenTypeEmbeddings: true });
  const { config, weights: student } = method.exportStudent();
  assert.equal(config.numHiddenLayers, 2);
  assert.deepEqual(method.layerMap, [3, 1]);
  assert.equal(Object.keys(student).length, Object.keys(weights).length - 2 * 16);
  for (const [name, t] of Object.entries(student)) {
    const source = name.replace(/^bert\.encoder\.layer\.(\d)\./, (_, i) => `bert.encoder.layer.${[3, 1][Number(i)]}.`);
    assert.ok(weights[source], `teacher has ${source}`);
    assert.deepEqual(t.shape, weights[source].shape, name);
    assert.equal(bytes(t), bytes(weights[source]), `${name} equals teacher ${source}`);
  }
  disposeWeights(student);
  method.dispose();
  disposeWeights(weights);
});

test('the per-head slice of a narrower student: student head j takes the first d_s dims of teacher head j', () => {
  // teacher 2 heads of 4 dims; student 2 heads of 2 dims -> teacher dims [0, 1] and [4, 5], not the leading [0..3]
  assert.deepEqual(headSliceIndices(2, 4, 2, 2), [0, 1, 4, 5]);
  // the real case: teacher 8 heads of 64, student 8 heads of 39 (wid55 on the 4L-512H teacher)
  const idx = headSliceIndices(8, 64, 8, 39);
  assert.equal(idx.length, 312);
  assert.deepEqual(idx.slice(37, 41), [37, 38, 64, 65]);
  assert.equal(idx[311], 7 * 64 + 38);
  // fewer, wider heads than the teacher's: consecutive whole teacher heads (the leading dims)
  assert.deepEqual(headSliceIndices(4, 2, 2, 4), [0, 1, 2, 3, 4, 5, 6, 7]);
  const maps = narrowIndexMaps(teacherCfg, { ...teacherCfg, hiddenSize: 4, intermediateSize: 8 });
  assert.deepEqual(maps, { residual: [0, 1, 2, 3], attention: [0, 1, 4, 5], intermediate: [0, 1, 2, 3, 4, 5, 6, 7] });
});

test('a narrower student takes per-head slices on the attention axis and the leading dims on the residual and FFN axes', () => {
  const weights = initBertWeights(teacherCfg, 7);
  const method = createDistilBertMethod({ config: teacherCfg, weights }, { target: { layers: 2, hidden: 4, heads: 2, intermediate: 8 }, tokenTypeEmbeddings: true });
  const { weights: student } = method.exportStudent();
  const heads = tf.tensor1d([0, 1, 4, 5], 'int32');
  const t = (n: string) => weights[`bert.encoder.layer.3.${n}`];
  const s = (n: string) => student[`bert.encoder.layer.1.${n}`];
  const expected: [string, tf.Tensor][] = tf.tidy(() => [
    ['attention.self.query.weight', tf.gather(t('attention.self.query.weight'), heads, 0).slice([0, 0], [4, 4])],
    ['attention.self.value.bias', tf.gather(t('attention.self.value.bias'), heads)],
    ['attention.output.dense.weight', tf.gather(t('attention.output.dense.weight').slice([0, 0], [4, 8]), heads, 1)],
    ['intermediate.dense.weight', t('intermediate.dense.weight').slice([0, 0], [8, 4])],
    ['output.dense.weight', t('output.dense.weight').slice([0, 0], [4, 8])],
    ['output.LayerNorm.weight', t('output.LayerNorm.weight').slice([0], [4])],
  ]);
  for (const [n, e] of expected) {
    assert.deepEqual(s(n).shape, e.shape, n);
    assert.equal(bytes(s(n)), bytes(e), n);
  }
  assert.deepEqual(student['bert.embeddings.word_embeddings.weight'].shape, [30, 4]);
  assert.equal(bytes(student['bert.embeddings.word_embeddings.weight']), bytes(tf.tidy(() => weights['bert.embeddings.word_embeddings.weight'].slice([0, 0], [30, 4]))));
  assert.deepEqual(student['cls.predictions.bias'].shape, [30]);
  tf.dispose([heads, ...expected.map(([, e]) => e)]);
  disposeWeights(student);
  method.dispose();
  disposeWeights(weights);
});

test('bad sizes and layer maps are refused with the option named', () => {
  const weights = initBertWeights(teacherCfg, 7);
  const teacher = { config: teacherCfg, weights };
  assert.throws(() => createDistilBertMethod(teacher, { target: { hidden: 16, heads: 2 } }), /target.hidden \(16\) must be <= the teacher's hidden size \(8\)/);
  assert.throws(() => createDistilBertMethod(teacher, { target: { layers: 2 }, layerMap: [0] }), /distilbert.layerMap must list 2/);
  assert.throws(() => createDistilBertMethod(teacher, { target: { layers: 2 }, layerMap: [0, 4] }), /layerMap\[1\] must be a teacher layer index in 0..3/);
  assert.throws(() => createDistilBertMethod(teacher, { temperature: 0 }), /distilbert\.temperature: expected a number > 0 \(at most 100\), got 0/);
  assert.throws(() => createDistilBertMethod(teacher, { target: { layers: 5 } }), /distilbert: target.layers \(5\) must be <= the teacher's number of layers \(4\)/);
  assert.throws(() => createDistilBertMethod(teacher, { target: { hidden: 8, heads: 4 } }), /distilbert: target.heads \(4\) must be <= the teacher's number of heads \(2\)/);
  assert.throws(() => createDistilBertMethod(teacher, { target: { hidden: 6, heads: 4 } }), /target.hidden \(6\) must be divisible by target.heads \(4\)/);
  const noHead = initBertWeights(teacherCfg, 7, { mlmHead: false });
  assert.throws(() => createDistilBertMethod({ config: teacherCfg, weights: noHead }), /teacher has no MLM head/);
  disposeWeights(noHead);
  disposeWeights(weights);
});

test('the student setup is checked from the teacher config alone, before any weight exists', () => {
  assert.deepEqual(resolveDistilBertSetup(teacherCfg, {}).layerMap, [0, 3]);
  assert.throws(() => resolveDistilBertSetup(teacherCfg, { target: { intermediate: 32 } }), /target.intermediate \(32\) must be <= the teacher's intermediate size \(16\)/);
  assert.throws(() => resolveDistilBertSetup(teacherCfg, { layerMap: [0, 1, 2] }), /distilbert.layerMap must list 2/);
});

test('by default the student has no token-type embeddings: a zero, frozen table (extract_distilbert.py copies only word and position embeddings)', () => {
  const weights = initBertWeights(teacherCfg, 12);
  const method = createDistilBertMethod({ config: teacherCfg, weights }, { target: { layers: 2 } });
  const name = 'distilbert/bert.embeddings.token_type_embeddings.weight';
  assert.ok(!method.trainableVariables().some((v) => v.name === name), 'token-type table is not trained');
  const student = method.exportStudent();
  const tt = student.weights['bert.embeddings.token_type_embeddings.weight'];
  assert.deepEqual(tt.shape, [teacherCfg.typeVocabSize, teacherCfg.hiddenSize]);
  assert.ok(Array.from(tt.dataSync()).every((x) => x === 0));
  disposeWeights(student.weights);
  method.dispose();
  disposeWeights(weights);
});
