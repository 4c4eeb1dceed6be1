// TinyBERT's loss terms: uniform layer map, masked attention-score MSE, hidden MSE through W_h, prediction CE.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { initBertWeights, disposeWeights, bertForward, type BertConfig } from '../../src-main/engine/bert/index.js';
import { createTinyBertMethod, uniformTinyBertLayerMap, attentionScoreLoss } from '../../src-main/engine/methods/tinybert/index.js';
import { STUDENT_PRESETS } from '../../src-main/engine/methods/common/student-size.js';
import type { MlmBatch } from '../../src-main/engine/train/method.js';

before(async () => { await selectBackend('wasm'); });

const teacherCfg: BertConfig = {
  vocabSize: 30, hiddenSize: 8, numHiddenLayers: 4, numAttentionHeads: 2, intermediateSize: 16,
  maxPositionEmbeddings: 16, typeVocabSize: 2, layerNormEps: 1e-12, hiddenAct: 'gelu',
};
const M = -3.4028234663852886e38; // a masked score, as bertForward produces

function batch(): MlmBatch {
  return {
    inputIds: tf.tensor2d([[2, 5, 4, 3], [2, 9, 3, 0]], undefined, 'int32'),
    attentionMask: tf.tensor2d([[1, 1, 1, 1], [1, 1, 1, 0]], undefined, 'int32'),
    tokenTypeIds: tf.zeros([2, 4], 'int32') as tf.Tensor2D,
    labels: tf.tensor2d([[-100, 7, -100, -100], [-100, -100, 11, -100]], undefined, 'int32'),
  };
}

test('the uniform layer map pairs student layer m with teacher layer m·L/M (written 0-based, as DistilBERT\'s)', () => {
  assert.deepEqual(uniformTinyBertLayerMap(12, 4), [2, 5, 8, 11]);
  assert.deepEqual(uniformTinyBertLayerMap(12, 6), [1, 3, 5, 7, 9, 11]);
  assert.deepEqual(uniformTinyBertLayerMap(4, 3), [0, 2, 3]);
});

test('the published 4L-312H shape scales to the teacher', () => {
  const base = { ...teacherCfg, numHiddenLayers: 12, hiddenSize: 768, numAttentionHeads: 12, intermediateSize: 3072 };
  assert.deepEqual(STUDENT_PRESETS['tinybert-4l-312h'](base), { layers: 4, hidden: 312, heads: 12, intermediate: 1200 });
  assert.deepEqual(STUDENT_PRESETS['tinybert-6l-768h'](base), { layers: 6, hidden: 768, heads: 12, intermediate: 3072 });
  // 8·312/768 = 3.25 -> nearest multiple of 2 heads = 4; 16·1200/3072 = 6.25 -> 6; 4/3 layers -> 1
  assert.deepEqual(STUDENT_PRESETS['tinybert-4l-312h'](teacherCfg), { layers: 1, hidden: 4, heads: 2, intermediate: 6 });
});

test('attention-score MSE zeroes masked scores on both sides and averages over every element', () => {
  // one head, 2x2 scores; key 1 masked in the second query row of both
  // diffs after zeroing: [1-0, 2-1, 3-0, 0-0] -> (1 + 1 + 9 + 0) / 4 = 2.75
  const v = tf.tidy(() => attentionScoreLoss(tf.tensor4d([[[[1, 2], [3, M]]]]), tf.tensor4d([[[[0, 1], [0, M]]]])).dataSync()[0]);
  assert.ok(Math.abs(v - 2.75) < 1e-6, `${v}`);
});

test('with different head counts the head-averaged score maps are compared', () => {
  // student heads [[2,4],[6,M]] and [[0,0],[2,M]] -> mean [[1,2],[4,0]]; teacher [[1,1],[1,M]] -> [[1,1],[1,0]]
  // (0 + 1 + 9 + 0) / 4 = 2.5
  const v = tf.tidy(() => attentionScoreLoss(
    tf.tensor4d([[[[2, 4], [6, M]], [[0, 0], [2, M]]]]), tf.tensor4d([[[[1, 1], [1, M]]]])).dataSync()[0]);
  assert.ok(Math.abs(v - 2.5) < 1e-6, `${v}`);
});

test('hidden term = Σ_m MSE(student layer m, teacher layer g(m)) and total = Σ weight·term', () => {
  const weights = initBertWeights(teacherCfg, 5);
  const method = createTinyBertMethod({ config: teacherCfg, weights },
    { target: { layers: 2, hidden: 8, heads: 2, intermediate: 8 }, dropout: 0, weights: { embedding: 2, hidden: 3, attention: 0.5, prediction: 4 } });
  assert.deepEqual(method.layerMap, [1, 3]);
  assert.equal(method.hasProjection, false);
  const b = batch();
  const got = tf.tidy(() => {
    const { total, parts } = method.loss(b, 0);
    const student = method.exportStudent();
    const s = bertForward(student.weights, student.config, b, { outputHiddenStates: true }).hiddenStates!;
    const t = bertForward(weights, teacherCfg, b, { outputHiddenStates: true }).hiddenStates!;
    const mse = (x: tf.Tensor, y: tf.Tensor) => tf.mean(tf.square(tf.sub(x, y))).dataSync()[0];
    const p = Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, v.dataSync()[0]]));
    return { total: total.dataSync()[0], p, hiddenRef: mse(s[1], t[2]) + mse(s[2], t[4]), embRef: mse(s[0], t[0]) };
  });
  assert.ok(Math.abs(got.p.hidden - got.hiddenRef) < 1e-5, `hidden ${got.p.hidden} vs ${got.hiddenRef}`);
  assert.ok(Math.abs(got.p.embedding - got.embRef) < 1e-6, `embedding ${got.p.embedding} vs ${got.embRef}`);
  const expected = 2 * got.p.embedding + 3 * got.p.hidden + 0.5 * got.p.attention + 4 * got.p.prediction;
  assert.ok(Math.abs(got.total - expected) < 1e-4, `total ${got.total} vs ${expected}`);
  tf.dispose(Object.values(b));
  method.dispose();
  disposeWeights(weights);
});

test('a narrower student gets a trainable projection W_h (checkpointed as a variable) that is not exported', () => {
  const weights = initBertWeights(teacherCfg, 5);
  const method = createTinyBertMethod({ config: teacherCfg, weights }, { target: { layers: 2, hidden: 4, heads: 1, intermediate: 8 } });
  assert.equal(method.hasProjection, true);
  assert.equal(method.attentionMode, 'head-mean');
  const projection = method.trainableVariables().find((v) => v.name === 'tinybert/fit_dense.weight');
  assert.deepEqual(projection?.shape, [8, 4]);
  const exported = method.exportStudent();
  assert.ok(!Object.keys(exported.weights).some((n) => n.includes('fit_dense')));
  assert.deepEqual(exported.weights['bert.encoder.layer.1.attention.self.query.weight'].shape, [4, 4]);
  // a gradient reaches W_h
  const b = batch();
  const { value, grads } = tf.variableGrads(() => method.loss(b, 0).total, method.trainableVariables());
  assert.ok(tf.tidy(() => tf.sum(tf.abs(grads['tinybert/fit_dense.weight'])).dataSync()[0]) > 0);
  tf.dispose([value, ...Object.values(grads), ...Object.values(b), ...Object.values(exported.weights)]);
  method.dispose();
  disposeWeights(weights);
});

test('resuming refuses a checkpoint made for a differently built student', () => {
  const weights = initBertWeights(teacherCfg, 5);
  const a = createTinyBertMethod({ config: teacherCfg, weights }, { target: { layers: 2, hidden: 4, heads: 2, intermediate: 8 } });
  const saved = a.saveState();
  assert.deepEqual(Object.keys(saved.tensors), []);
  a.loadState(saved);
  a.dispose();
  const b = createTinyBertMethod({ config: teacherCfg, weights }, { target: { layers: 2, hidden: 4, heads: 2, intermediate: 8 }, layerMap: [0, 3] });
  assert.throws(() => b.loadState(saved), /tinybert.loadState: checkpoint layerMap is \[1,3\], but this run builds \[0,3\]/);
  b.dispose();
  disposeWeights(weights);
});

test('a checkpoint written with the former 1-based layer map still resumes', () => {
  const weights = initBertWeights(teacherCfg, 5);
  const method = createTinyBertMethod({ config: teacherCfg, weights }, { target: { layers: 2, hidden: 4, heads: 2, intermediate: 8 } });
  const target = { layers: 2, hidden: 4, heads: 2, intermediate: 8 };
  method.loadState({ tensors: {}, json: { method: 'tinybert', target, layerMap: [2, 4] } });
  assert.throws(() => method.loadState({ tensors: {}, json: { method: 'tinybert', target, layerMap: [2, 4], layerMapBase: 0 } }), /checkpoint layerMap is \[2,4\]/);
  method.dispose();
  disposeWeights(weights);
});

test('a loss call inside tidy and a gradient step leave no tensors behind', () => {
  const weights = initBertWeights(teacherCfg, 5);
  const method = createTinyBertMethod({ config: teacherCfg, weights }, { target: { layers: 2, hidden: 4, heads: 2, intermediate: 8 } });
  const b = batch();
  tf.tidy(() => { method.loss(b, 0); });
  const before = tf.memory().numTensors;
  tf.tidy(() => { method.loss(b, 1); });
  const { value, grads } = tf.variableGrads(() => method.loss(b, 2).total, method.trainableVariables());
  tf.dispose([value, ...Object.values(grads)]);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose(Object.values(b));
  method.dispose();
  disposeWeights(weights);
});

test('attention term pairs student layer m with teacher layer g(m) and the embedding term goes through W_h (narrower student)', () => {
  const weights = initBertWeights(teacherCfg, 8);
  const method = createTinyBertMethod({ config: teacherCfg, weights },
    { target: { layers: 2, hidden: 4, heads: 2, intermediate: 8 }, dropout: 0, seed: 3 });
  assert.deepEqual(method.layerMap, [1, 3]);
  const b = batch();
  const got = tf.tidy(() => {
    const { parts } = method.loss(b, 0);
    const student = method.exportStudent();
    const s = bertForward(student.weights, student.config, b, { outputHiddenStates: true, outputAttentionScores: true });
    const t = bertForward(weights, teacherCfg, b, { outputHiddenStates: true, outputAttentionScores: true });
    const wh = method.trainableVariables().find((v) => v.name === 'tinybert/fit_dense.weight')!;
    const bh = method.trainableVariables().find((v) => v.name === 'tinybert/fit_dense.bias')!;
    const mse = (x: tf.Tensor, y: tf.Tensor) => tf.mean(tf.square(tf.sub(x, y))).dataSync()[0];
    const zero = (x: tf.Tensor) => tf.where(tf.lessEqual(x, -100), tf.zerosLike(x), x);
    const project = (x: tf.Tensor) => tf.add(tf.matMul(x.reshape([-1, 4]), wh, false, true), bh).reshape([2, 4, 8]);
    return {
      attention: parts.attention.dataSync()[0],
      // 0-based teacher layers 1 and 3 = 1-based g(m) = 2, 4 (general_distill.py: teacher_atts[i·k + k − 1])
      attentionRef: mse(zero(s.attentionScores![0]), zero(t.attentionScores![1])) + mse(zero(s.attentionScores![1]), zero(t.attentionScores![3])),
      embedding: parts.embedding.dataSync()[0],
      embeddingRef: mse(project(s.hiddenStates![0]), t.hiddenStates![0]),
    };
  });
  assert.ok(Math.abs(got.attention - got.attentionRef) < 1e-5 * Math.max(1, got.attentionRef), `attention ${got.attention} vs ${got.attentionRef}`);
  assert.ok(Math.abs(got.embedding - got.embeddingRef) < 1e-5 * Math.max(1, got.embeddingRef), `embedding ${got.embedding} vs ${got.embeddingRef}`);
  tf.dispose(Object.values(b));
  method.dispose();
  disposeWeights(weights);
});

test('general distillation has no prediction-layer term by default (general_distill.py: loss = att_loss + rep_loss)', () => {
  const weights = initBertWeights(teacherCfg, 9);
  const method = createTinyBertMethod({ config: teacherCfg, weights }, { target: { layers: 2, hidden: 8, heads: 2, intermediate: 8 }, dropout: 0 });
  const b = batch();
  const keys = tf.tidy(() => Object.keys(method.loss(b, 0).parts).sort());
  assert.deepEqual(keys, ['attention', 'embedding', 'hidden']);
  tf.dispose(Object.values(b));
  method.dispose();
  disposeWeights(weights);
});

test('a TinyBERT student wider than the teacher is refused, naming target.hidden', () => {
  assert.throws(() => createTinyBertMethod({ config: teacherCfg, weights: {} }, { target: { hidden: 16, heads: 2 } }),
    /tinybert: target.hidden \(16\) must be <= the teacher's hidden size \(8\)/);
});
