// DistilBERT's loss = α_ce·T²·KL(soft targets) + α_mlm·MLM + α_cos·cosine, checked on a student equal to the teacher.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { initBertWeights, disposeWeights, bertForward, mlmHead, maskedLmLoss, type BertConfig, type BertWeights } from '../../src-main/engine/bert/index.js';
import { createDistilBertMethod } from '../../src-main/engine/methods/distilbert/index.js';
import type { MlmBatch } from '../../src-main/engine/train/method.js';

before(async () => { await selectBackend('wasm'); });

const cfg: BertConfig = {
  vocabSize: 30, hiddenSize: 8, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 16,
  maxPositionEmbeddings: 16, typeVocabSize: 2, layerNormEps: 1e-12, hiddenAct: 'gelu',
};

function batch(): MlmBatch {
  return {
    inputIds: tf.tensor2d([[2, 5, 4, 3], [2, 9, 3, 0]], undefined, 'int32'),
    attentionMask: tf.tensor2d([[1, 1, 1, 1], [1, 1, 1, 0]], undefined, 'int32'),
    tokenTypeIds: tf.zeros([2, 4], 'int32') as tf.Tensor2D,
    labels: tf.tensor2d([[-100, 7, -100, -100], [-100, -100, 11, -100]], undefined, 'int32'),
  };
}

/** Mean over real tokens of KL(softmax(t/T) ‖ softmax(s/T)), computed in plain JS. */
function softenedKl(student: number[][][], teacher: number[][][], mask: number[][], T: number): number {
  const logSoftmax = (l: number[]) => {
    const x = l.map((v) => v / T), m = Math.max(...x);
    const z = Math.log(x.reduce((a, v) => a + Math.exp(v - m), 0)) + m;
    return x.map((v) => v - z);
  };
  let sum = 0, n = 0;
  teacher.forEach((row, b) => row.forEach((t, s) => {
    if (!mask[b][s]) return;
    const lp = logSoftmax(t), lq = logSoftmax(student[b][s]);
    sum += lp.reduce((a, v, i) => a + Math.exp(v) * (v - lq[i]), 0);
    n++;
  }));
  return sum / n;
}

/** Every matrix and embedding multiplied by `factor` (biases and LayerNorms kept). */
function scaled(w: BertWeights, factor: number): BertWeights {
  for (const [name, t] of Object.entries(w)) {
    if (t.rank === 2) { w[name] = tf.mul(t, factor); t.dispose(); }
  }
  return w;
}

function partsOf(method: ReturnType<typeof createDistilBertMethod>, b: MlmBatch) {
  return tf.tidy(() => {
    const { total, parts } = method.loss(b, 0);
    return { total: total.dataSync()[0], ce: parts.ce.dataSync()[0], mlm: parts.mlm.dataSync()[0], cos: parts.cos.dataSync()[0] };
  });
}

test('a student identical to the teacher has KL 0 and cosine 0, so the loss is 2 · its MLM loss', () => {
  const weights = initBertWeights(cfg, 3);
  // keep every layer: the student is the teacher
  const method = createDistilBertMethod({ config: cfg, weights }, { target: { layers: 2 }, layerMap: [0, 1], dropout: 0, tokenTypeEmbeddings: true });
  const b = batch();
  const got = partsOf(method, b);
  const mlmRef = tf.tidy(() => maskedLmLoss(mlmHead(weights, cfg, bertForward(weights, cfg, b).lastHiddenState), b.labels).dataSync()[0]);
  assert.ok(Math.abs(got.cos) < 1e-5, `cos ${got.cos}`);
  assert.ok(Math.abs(got.ce) < 1e-5, `ce ${got.ce}`);
  assert.ok(Math.abs(got.mlm - mlmRef) < 1e-5, `mlm ${got.mlm} vs ${mlmRef}`);
  assert.ok(Math.abs(got.total - 2 * got.mlm) < 1e-4, `total ${got.total}`);
  tf.dispose(Object.values(b));
  method.dispose();
  disposeWeights(weights);
});

test('for a 1-layer student the soft-target term is T² · KL(teacher ‖ student) over real tokens, total = 5·ce + 2·mlm + cos', () => {
  // BERT's 0.02 init gives near-uniform logits; larger weights make teacher and student disagree clearly
  const weights = scaled(initBertWeights(cfg, 3), 50);
  const method = createDistilBertMethod({ config: cfg, weights }, { target: { layers: 1 }, layerMap: [1], dropout: 0, tokenTypeEmbeddings: true });
  const b = batch();
  const got = partsOf(method, b);
  const student = method.exportStudent();
  const [s, t] = tf.tidy(() => [
    mlmHead(student.weights, student.config, bertForward(student.weights, student.config, b).lastHiddenState).arraySync() as number[][][],
    mlmHead(weights, cfg, bertForward(weights, cfg, b).lastHiddenState).arraySync() as number[][][],
  ]);
  const expected = 4 * softenedKl(s, t, b.attentionMask.arraySync() as number[][], 2);
  assert.ok(expected > 1e-4, 'the student differs from the teacher');
  assert.ok(Math.abs(got.ce - expected) < 1e-4 * Math.max(1, expected), `ce ${got.ce} vs ${expected}`);
  assert.ok(Math.abs(got.total - (5 * got.ce + 2 * got.mlm + got.cos)) < 1e-3, `total ${got.total}`);
  disposeWeights(student.weights);
  tf.dispose(Object.values(b));
  method.dispose();
  disposeWeights(weights);
});

test('the loss weights and temperature come from the options', () => {
  const weights = initBertWeights(cfg, 3);
  const method = createDistilBertMethod({ config: cfg, weights }, { alpha: { ce: 0, mlm: 1, cos: 0 }, temperature: 1, dropout: 0 });
  const b = batch();
  const [total, mlm] = tf.tidy(() => {
    const r = method.loss(b, 0);
    return [r.total.dataSync()[0], r.parts.mlm.dataSync()[0]];
  });
  assert.equal(method.studentConfig.numHiddenLayers, 1);
  assert.ok(Math.abs(total - mlm) < 1e-6);
  tf.dispose(Object.values(b));
  method.dispose();
  disposeWeights(weights);
});

test('a loss call inside tidy and a gradient step leave no tensors behind', () => {
  const weights = initBertWeights(cfg, 3);
  const method = createDistilBertMethod({ config: cfg, weights });
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
