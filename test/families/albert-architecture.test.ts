// ALBERT in the engine: factorised embedding shapes, one shared layer (one set of weights, one summed gradient),
// layer groups, parameters counted once per shared layer against FLOPs counted per application, config errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { disposeWeights, type BertWeights } from '../../src-main/engine/bert/weights.js';
import {
  AlbertConfig, albertConfigFromHf, albertConfigToHf, albertForward, albertForwardFlops, albertGroupOf, albertMlmHead,
  albertParameterCount, albertParameterShapes, albertPoolerOutput, albertClassifierHead, initAlbertWeights,
} from '../../src-main/engine/albert/index.js';

const cfg: AlbertConfig = {
  vocabSize: 40, embeddingSize: 8, hiddenSize: 16, numHiddenLayers: 3, numHiddenGroups: 1, innerGroupNum: 1,
  numAttentionHeads: 4, intermediateSize: 24, maxPositionEmbeddings: 10, typeVocabSize: 2, layerNormEps: 1e-12,
  hiddenAct: 'gelu_new', numLabels: 3,
};
const inputs = () => ({
  inputIds: tf.tensor2d([[2, 5, 7, 3], [2, 9, 3, 0]], undefined, 'int32'),
  attentionMask: tf.tensor2d([[1, 1, 1, 1], [1, 1, 1, 0]], undefined, 'int32'),
});

/** The same model with every application given its own copy of the shared layer (numHiddenGroups = layers). */
function unshared(w: BertWeights, c: AlbertConfig): { w: BertWeights; cfg: AlbertConfig } {
  const out: BertWeights = {};
  const shared = 'albert.encoder.albert_layer_groups.0.';
  for (const [n, t] of Object.entries(w)) {
    if (!n.startsWith(shared)) { out[n] = t; continue; }
    for (let g = 0; g < c.numHiddenLayers; g++) out[n.replace(shared, `albert.encoder.albert_layer_groups.${g}.`)] = t.clone();
  }
  return { w: out, cfg: { ...c, numHiddenGroups: c.numHiddenLayers } };
}

test('the factorised embedding is vocab × E, projected E → H, and the MLM head maps H → E → vocab', () => {
  const s = albertParameterShapes(cfg, { mlmHead: true });
  assert.deepEqual(s['albert.embeddings.word_embeddings.weight'], [40, 8]);
  assert.deepEqual(s['albert.embeddings.position_embeddings.weight'], [10, 8]);
  assert.deepEqual(s['albert.embeddings.LayerNorm.weight'], [8]);
  assert.deepEqual(s['albert.encoder.embedding_hidden_mapping_in.weight'], [16, 8]);
  assert.deepEqual(s['predictions.dense.weight'], [8, 16]);
  assert.deepEqual(s['predictions.LayerNorm.weight'], [8]);
  assert.equal(s['predictions.decoder.weight'], undefined, 'the decoder is the tied word-embedding table');
});

test('a shared layer is stored once: 3 applications of 1 group hold one layer of tensors', () => {
  const names = Object.keys(albertParameterShapes(cfg));
  const layerTensors = names.filter((n) => n.includes('albert_layer_groups'));
  assert.equal(layerTensors.length, 16);
  assert.ok(layerTensors.every((n) => n.startsWith('albert.encoder.albert_layer_groups.0.albert_layers.0.')));
});

test('parameters are counted once per shared layer; FLOPs grow with every application', () => {
  const deep = { ...cfg, numHiddenLayers: 12 };
  assert.equal(albertParameterCount(deep), albertParameterCount(cfg), 'more applications of a shared layer add no parameters');
  const layerFlops = albertForwardFlops(deep, 8) - albertForwardFlops(cfg, 8);
  assert.equal(layerFlops, 9 * (2 * 8 * (4 * 16 * 16 + 2 * 16 * 24) + 4 * 8 * 8 * 16));
});

test('group application i uses group floor(i / (layers / groups)), as transformers computes it', () => {
  const c = { ...cfg, numHiddenLayers: 6, numHiddenGroups: 4 };
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((i) => albertGroupOf(c, i)), [0, 0, 1, 2, 2, 3]);
});

test('forward gives the HF shapes: embedding output E wide, hidden states H wide, one per layer run', async () => {
  await selectBackend('cpu');
  const c = { ...cfg, numHiddenGroups: 1, innerGroupNum: 2 };
  const w = initAlbertWeights(c, 3, { mlmHead: true, classifier: true });
  tf.tidy(() => {
    const out = albertForward(w, c, inputs(), { outputHiddenStates: true, outputAttentions: true });
    assert.deepEqual(out.embeddingOutput.shape, [2, 4, 8]);
    assert.deepEqual(out.lastHiddenState.shape, [2, 4, 16]);
    assert.equal(out.hiddenStates!.length, 3 * 2 + 1, 'projected embeddings + every AlbertLayer run');
    assert.equal(out.groupOutputs!.length, 3);
    assert.equal(out.attentions!.length, 6);
    assert.deepEqual(albertMlmHead(w, c, out.lastHiddenState).shape, [2, 4, 40]);
    assert.deepEqual(albertClassifierHead(w, c, albertPoolerOutput(w, c, out.lastHiddenState)).shape, [2, 3]);
  });
  disposeWeights(w);
});

test('the shared layer is really shared: same output as separate copies, and its gradient is the sum of theirs', async () => {
  await selectBackend('cpu');
  const w = initAlbertWeights(cfg, 5, { mlmHead: true });
  // break the init symmetry so every tensor matters
  for (const n of Object.keys(w)) { const t = w[n]; w[n] = tf.tidy(() => tf.add(t, tf.randomNormal(t.shape, 0, 0.05, 'float32', n.length))); t.dispose(); }
  const u = unshared(w, cfg);
  const shared = 'albert.encoder.albert_layer_groups.0.albert_layers.0.ffn.weight';
  const copies = [0, 1, 2].map((g) => `albert.encoder.albert_layer_groups.${g}.albert_layers.0.ffn.weight`);
  const lossOf = (ww: BertWeights, cc: AlbertConfig) => albertMlmHead(ww, cc, albertForward(ww, cc, inputs()).lastHiddenState).square().mean() as tf.Scalar;
  tf.tidy(() => {
    const a = lossOf(w, cfg).dataSync()[0], b = lossOf(u.w, u.cfg).dataSync()[0];
    assert.ok(Math.abs(a - b) < 1e-6, `shared ${a} vs copies ${b}`);
    const gShared = tf.grad((x: tf.Tensor) => lossOf({ ...w, [shared]: x }, cfg))(w[shared]);
    const gCopies = tf.grads((...xs: tf.Tensor[]) => lossOf({ ...u.w, ...Object.fromEntries(copies.map((n, i) => [n, xs[i]])) }, u.cfg))(
      copies.map((n) => u.w[n]));
    const sum = gCopies.reduce((s, g) => tf.add(s, g));
    const diff = tf.max(tf.abs(tf.sub(gShared, sum))).dataSync()[0];
    const scale = tf.max(tf.abs(sum)).dataSync()[0];
    assert.ok(scale > 0 && diff < 1e-5 * Math.max(1, scale), `gradient of the shared tensor ${diff} off the sum of the copies' (scale ${scale})`);
    // and each copy alone is not the whole gradient
    assert.ok(tf.max(tf.abs(tf.sub(gShared, gCopies[0]))).dataSync()[0] > 1e-6);
  });
  for (const [n, t] of Object.entries(u.w)) if (!(n in w) || u.w[n] !== w[n]) t.dispose();
  disposeWeights(w);
});

test('forward leaks no tensors', async () => {
  await selectBackend('cpu');
  const w = initAlbertWeights(cfg, 1);
  const before = tf.memory().numTensors;
  tf.tidy(() => { albertMlmHead(w, cfg, albertForward(w, cfg, inputs(), { outputHiddenStates: true }).lastHiddenState); });
  assert.equal(tf.memory().numTensors, before);
  disposeWeights(w);
});

test('an ALBERT config whose hidden size is not a multiple of its heads is refused, naming both fields', () => {
  const json = albertConfigToHf(cfg);
  assert.throws(() => albertConfigFromHf({ ...json, hidden_size: 18 }), /hidden_size.*18.*multiple of.*num_attention_heads.*4/);
});

test('config.json round trip keeps every size and the label count', () => {
  const back = albertConfigFromHf(JSON.parse(JSON.stringify(albertConfigToHf(cfg, 'AlbertForSequenceClassification'))));
  for (const k of Object.keys(cfg) as (keyof AlbertConfig)[]) assert.deepEqual(back[k], cfg[k], k);
});
