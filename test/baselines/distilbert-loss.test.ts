// DistilBERT's loss = α_ce·T²·soft CE + α_mlm·MLM + α_cos·cosine, checked on a student equal to the teacher.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { initBertWeights, disposeWeights, bertForward, mlmHead, maskedLmLoss, type BertConfig } from '../../src-main/engine/bert/index.js';
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

/** Mean over real tokens of the entropy of softmax(logits / T), computed in plain JS. */
function softenedEntropy(logits: number[][][], mask: number[][], T: number): number {
  let sum = 0, n = 0;
  logits.forEach((row, b) => row.forEach((l, s) => {
    if (!mask[b][s]) return;
    const m = Math.max(...l.map((x) => x / T));
    const e = l.map((x) => Math.exp(x / T - m));
    const z = e.reduce((a, c) => a + c, 0);
    sum -= e.reduce((a, c) => a + (c / z) * Math.log(c / z), 0);
    n++;
  }));
  return sum / n;
}

test('a student identical to the teacher has cosine loss 0 and soft CE = T² · entropy of the softened teacher', () => {
  const weights = initBertWeights(cfg, 3);
  // keep every layer: the student is the teacher
  const method = createDistilBertMethod({ config: cfg, weights }, { target: { layers: 2 }, layerMap: [0, 1], dropout: 0 });
  const b = batch();
  const got = tf.tidy(() => {
    const { total, parts } = method.loss(b, 0);
    const logits = mlmHead(weights, cfg, bertForward(weights, cfg, b).lastHiddenState);
    return {
      total: total.dataSync()[0], ce: parts.ce.dataSync()[0], mlm: parts.mlm.dataSync()[0], cos: parts.cos.dataSync()[0],
      logits: logits.arraySync() as number[][][], mlmRef: maskedLmLoss(logits, b.labels).dataSync()[0],
    };
  });
  const expectedCe = 4 * softenedEntropy(got.logits, b.attentionMask.arraySync() as number[][], 2);
  assert.ok(Math.abs(got.cos) < 1e-5, `cos ${got.cos}`);
  assert.ok(Math.abs(got.ce - expectedCe) < 1e-4, `ce ${got.ce} vs ${expectedCe}`);
  assert.ok(Math.abs(got.mlm - got.mlmRef) < 1e-5, `mlm ${got.mlm} vs ${got.mlmRef}`);
  assert.ok(Math.abs(got.total - (5 * got.ce + 2 * got.mlm + 1 * got.cos)) < 1e-3, `total ${got.total}`);
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
