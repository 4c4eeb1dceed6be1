// DistilBERT initialisation copies exactly the chosen teacher layers (byte-equal tensors).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { initBertWeights, disposeWeights, type BertConfig } from '../../src-main/engine/bert/index.js';
import {
  createDistilBertMethod, defaultDistilBertLayerMap, resolveDistilBertSetup,
} from '../../src-main/engine/methods/distilbert/index.js';

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

test('a narrower student starts from the leading block of each teacher tensor', () => {
  const weights = initBertWeights(teacherCfg, 7);
  const method = createDistilBertMethod({ config: teacherCfg, weights }, { target: { layers: 2, hidden: 4, heads: 2, intermediate: 8 }, tokenTypeEmbeddings: true });
  const { weights: student } = method.exportStudent();
  const q = student['bert.encoder.layer.1.attention.self.query.weight'];
  assert.deepEqual(q.shape, [4, 4]);
  const expected = tf.tidy(() => weights['bert.encoder.layer.3.attention.self.query.weight'].slice([0, 0], [4, 4]));
  assert.equal(bytes(q), bytes(expected));
  assert.deepEqual(student['bert.embeddings.word_embeddings.weight'].shape, [30, 4]);
  assert.deepEqual(student['bert.encoder.layer.0.intermediate.dense.weight'].shape, [8, 4]);
  assert.deepEqual(student['cls.predictions.bias'].shape, [30]);
  tf.dispose(expected);
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
  assert.throws(() => createDistilBertMethod(teacher, { temperature: 0 }), /temperature must be > 0/);
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
