import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { BertConfig, bertConfigFromHf, bertConfigToHf, validateBertConfig } from '../../src-main/engine/bert/config.js';
import { initBertWeights, parameterCount, countParameters, disposeWeights } from '../../src-main/engine/bert/weights.js';
import { bertForward, mlmHead, poolerOutput, classifierHead } from '../../src-main/engine/bert/forward.js';
import { maskedLmLoss } from '../../src-main/engine/bert/mlm-loss.js';

const cfg: BertConfig = {
  vocabSize: 50, hiddenSize: 16, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 32,
  maxPositionEmbeddings: 12, typeVocabSize: 2, layerNormEps: 1e-12, hiddenAct: 'gelu', numLabels: 3,
};

test('wasm backend can be selected explicitly', async () => {
  const b = await selectBackend('wasm');
  assert.equal(b.name, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
});

test('forward returns hidden states per layer, attentions and head outputs of the HF shapes', async () => {
  await selectBackend('wasm');
  const w = initBertWeights(cfg, 1, { mlmHead: true, classifier: true });
  assert.equal(countParameters(w), parameterCount(cfg, { mlmHead: true, classifier: true }));
  tf.tidy(() => {
    const inputIds = tf.tensor2d([[2, 5, 7, 3], [2, 9, 3, 0]], undefined, 'int32');
    const attentionMask = tf.tensor2d([[1, 1, 1, 1], [1, 1, 1, 0]], undefined, 'int32');
    const out = bertForward(w, cfg, { inputIds, attentionMask }, { outputHiddenStates: true, outputAttentions: true, outputAttentionScores: true });
    assert.deepEqual(out.lastHiddenState.shape, [2, 4, 16]);
    assert.equal(out.hiddenStates!.length, 3);
    assert.deepEqual(out.attentions![0].shape, [2, 4, 4, 4]);
    // padded key position gets zero attention probability
    const probs = out.attentions![1].arraySync() as number[][][][];
    assert.ok(probs[1][0][0][3] < 1e-12);
    assert.deepEqual(mlmHead(w, cfg, out.lastHiddenState).shape, [2, 4, 50]);
    const pooled = poolerOutput(w, cfg, out.lastHiddenState);
    assert.deepEqual(classifierHead(w, cfg, pooled).shape, [2, 3]);
  });
  disposeWeights(w);
});

test('masked LM loss equals log(vocab) for uniform logits and ignores -100 labels', async () => {
  await selectBackend('wasm');
  const loss = tf.tidy(() => maskedLmLoss(tf.zeros([1, 3, 10]) as tf.Tensor3D, tf.tensor2d([[4, -100, 1]], undefined, 'int32')));
  assert.ok(Math.abs(loss.dataSync()[0] - Math.log(10)) < 1e-5);
  loss.dispose();
});

test('config round-trips through HF json and names the bad field', () => {
  const back = bertConfigFromHf(bertConfigToHf(cfg));
  assert.equal(back.hiddenSize, 16);
  assert.equal(back.numLabels, 3);
  assert.throws(() => validateBertConfig({ ...cfg, numAttentionHeads: 5 }), /numAttentionHeads/);
  assert.throws(() => bertConfigFromHf({ ...bertConfigToHf(cfg), hidden_size: 'x' }), /hidden_size/);
});

test('a training step leaks no tensors', async () => {
  await selectBackend('wasm');
  const w = initBertWeights(cfg, 2, { mlmHead: true });
  const vars = Object.fromEntries(Object.entries(w).map(([k, t]) => [k, tf.variable(t, true, k.replace(/[^A-Za-z0-9_]/g, '_'))]));
  disposeWeights(w);
  const opt = tf.train.adam(1e-3);
  const inputIds = tf.tensor2d([[2, 5, 7, 3]], undefined, 'int32');
  const attentionMask = tf.ones([1, 4], 'int32') as tf.Tensor2D;
  const labels = tf.tensor2d([[-100, 6, -100, -100]], undefined, 'int32');
  const step = () => tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => maskedLmLoss(
      mlmHead(vars, cfg, bertForward(vars, cfg, { inputIds, attentionMask }, { dropout: { hidden: 0.1, attention: 0.1, seed: 3 } }).lastHiddenState), labels));
    opt.applyGradients(grads as Record<string, tf.Variable>);
    return value.dataSync()[0];
  });
  step(); // optimizer slots are created on the first step
  const before = tf.memory().numTensors;
  const l = step();
  assert.ok(Number.isFinite(l));
  assert.equal(tf.memory().numTensors, before);
  opt.dispose();
  Object.values(vars).forEach((v) => v.dispose());
  tf.dispose([inputIds, attentionMask, labels]);
});
