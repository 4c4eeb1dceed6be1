// MobileBERT in the engine: bottleneck projections H → T → H, stacked FFNs, NoNorm, the trigram embedding, the MLM
// head's extra dense part, config errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { disposeWeights, type BertWeights } from '../../src-main/engine/bert/weights.js';
import {
  MobileBertConfig, mobileBertConfigFromHf, mobileBertConfigToHf, mobileBertEmbeddings, mobileBertForward, mobileBertMlmHead,
  mobileBertNorm, mobileBertParameterShapes, mobileBertPoolerOutput, mobileBertClassifierHead, initMobileBertWeights,
  mobileBertParameterCount, mobileBertForwardFlops,
} from '../../src-main/engine/mobilebert/index.js';

const cfg: MobileBertConfig = {
  vocabSize: 40, embeddingSize: 8, hiddenSize: 24, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 16,
  maxPositionEmbeddings: 10, typeVocabSize: 2, layerNormEps: 1e-12, hiddenAct: 'relu', trigramInput: true,
  useBottleneck: true, intraBottleneckSize: 12, useBottleneckAttention: false, keyQuerySharedBottleneck: true,
  numFeedforwardNetworks: 3, normalizationType: 'no_norm', classifierActivation: true, numLabels: 2,
};
const inputs = () => ({
  inputIds: tf.tensor2d([[2, 5, 7, 3], [2, 9, 3, 0]], undefined, 'int32'),
  attentionMask: tf.tensor2d([[1, 1, 1, 1], [1, 1, 1, 0]], undefined, 'int32'),
});
function perturbed(c: MobileBertConfig, seed: number, heads = { mlmHead: true, classifier: true }): BertWeights {
  const w = initMobileBertWeights(c, seed, heads);
  for (const n of Object.keys(w)) { const t = w[n]; w[n] = tf.tidy(() => tf.add(t, tf.randomNormal(t.shape, 0, 0.1, 'float32', seed + n.length))); t.dispose(); }
  return w;
}

test('the bottleneck projects H → T into each layer and T → H out of it; attention and FFNs run in T', () => {
  const s = mobileBertParameterShapes(cfg);
  const p = 'mobilebert.encoder.layer.0.';
  assert.deepEqual(s[`${p}bottleneck.input.dense.weight`], [12, 24]);
  assert.deepEqual(s[`${p}bottleneck.attention.dense.weight`], [12, 24], 'key/query shared bottleneck');
  assert.deepEqual(s[`${p}attention.self.query.weight`], [12, 12]);
  assert.deepEqual(s[`${p}attention.self.value.weight`], [12, 24], 'values come from the full-width input');
  assert.deepEqual(s[`${p}output.bottleneck.dense.weight`], [24, 12]);
  assert.deepEqual(s[`${p}ffn.1.intermediate.dense.weight`], [16, 12], '3 FFNs = 2 stacked + the final one');
  assert.equal(s[`${p}ffn.2.intermediate.dense.weight`], undefined);
  assert.deepEqual(s['mobilebert.embeddings.embedding_transformation.weight'], [24, 24], 'trigram: 3 × E in');
  assert.deepEqual(s['cls.predictions.dense.weight'], [16, 40], 'the head\'s extra dense part: H - E rows of vocab');
  const att = mobileBertParameterShapes({ ...cfg, useBottleneckAttention: true, keyQuerySharedBottleneck: false });
  assert.deepEqual(att[`${p}attention.self.value.weight`], [12, 12]);
  assert.equal(att[`${p}bottleneck.attention.dense.weight`], undefined);
});

test('forward: hidden states H wide (L + 1), inner states T wide, MLM logits over the vocab, classifier logits', async () => {
  await selectBackend('cpu');
  const w = perturbed(cfg, 4);
  tf.tidy(() => {
    const out = mobileBertForward(w, cfg, inputs(), { outputHiddenStates: true, outputAttentions: true });
    assert.equal(out.hiddenStates!.length, 3);
    out.hiddenStates!.forEach((h) => assert.deepEqual(h.shape, [2, 4, 24]));
    out.innerStates!.forEach((h) => assert.deepEqual(h.shape, [2, 4, 12]));
    assert.deepEqual(out.attentions![0].shape, [2, 2, 4, 4]);
    assert.deepEqual(mobileBertMlmHead(w, cfg, out.lastHiddenState).shape, [2, 4, 40]);
    assert.deepEqual(mobileBertClassifierHead(w, cfg, mobileBertPoolerOutput(w, cfg, out.lastHiddenState)).shape, [2, 2]);
  });
  disposeWeights(w);
});

test('NoNorm is x·γ + β (no statistics); layer_norm normalises', async () => {
  await selectBackend('cpu');
  const w: BertWeights = { 'n.weight': tf.tensor1d([2, 3]), 'n.bias': tf.tensor1d([1, -1]) };
  tf.tidy(() => {
    const x = tf.tensor2d([[1, 5]]);
    assert.deepEqual(Array.from(mobileBertNorm(w, cfg, 'n', x, 'ffnOutput').dataSync()), [3, 14]);
    const ln = Array.from(mobileBertNorm(w, { ...cfg, normalizationType: 'layer_norm' }, 'n', x, 'ffnOutput').dataSync());
    assert.ok(Math.abs(ln[0] - (2 * -1 + 1)) < 1e-4 && Math.abs(ln[1] - (3 * 1 - 1)) < 1e-4, `${ln}`);
  });
  disposeWeights(w);
});

test('the trigram embedding puts [next | self | previous] word vectors side by side, zeros past the ends', async () => {
  await selectBackend('cpu');
  const c = { ...cfg, vocabSize: 6, embeddingSize: 1, hiddenSize: 3, intraBottleneckSize: 3, numAttentionHeads: 1 };
  const w = initMobileBertWeights(c, 1, {});
  const set = (n: string, t: tf.Tensor) => { w[n].dispose(); w[n] = t; };
  set('mobilebert.embeddings.word_embeddings.weight', tf.tensor2d([[0], [10], [20], [30], [40], [50]]));
  set('mobilebert.embeddings.embedding_transformation.weight', tf.eye(3));
  set('mobilebert.embeddings.position_embeddings.weight', tf.zeros([10, 3]));
  set('mobilebert.embeddings.token_type_embeddings.weight', tf.zeros([2, 3]));
  tf.tidy(() => {
    const e = mobileBertEmbeddings(w, c, tf.tensor2d([[1, 2, 3]], undefined, 'int32'));
    assert.deepEqual(e.arraySync(), [[[20, 10, 0], [30, 20, 10], [0, 30, 20]]]);
  });
  disposeWeights(w);
});

test('stacked FFNs change the output: 3 FFNs differ from 1 with the shared tensors equal', async () => {
  await selectBackend('cpu');
  const w = perturbed(cfg, 9);
  tf.tidy(() => {
    const three = mobileBertForward(w, cfg, inputs()).lastHiddenState;
    const one = mobileBertForward(w, { ...cfg, numFeedforwardNetworks: 1 }, inputs()).lastHiddenState;
    assert.ok(tf.max(tf.abs(tf.sub(three, one))).dataSync()[0] > 1e-3);
  });
  disposeWeights(w);
});

test('parameter count and FLOPs: the bottleneck makes a layer cheaper than a full-width one', () => {
  const noBottleneck = { ...cfg, useBottleneck: false, keyQuerySharedBottleneck: false, numAttentionHeads: 2 };
  assert.ok(mobileBertParameterCount(cfg) < mobileBertParameterCount(noBottleneck));
  assert.ok(mobileBertForwardFlops(cfg, 16) < mobileBertForwardFlops(noBottleneck, 16));
});

test('a gradient step touches every MobileBERT parameter and leaks no tensors', async () => {
  await selectBackend('cpu');
  const w = perturbed(cfg, 2, { mlmHead: true, classifier: false });
  const names = Object.keys(w);
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    const f = (...xs: tf.Tensor[]) => {
      const ww = Object.fromEntries(names.map((n, i) => [n, xs[i]]));
      return mobileBertMlmHead(ww, cfg, mobileBertForward(ww, cfg, inputs()).lastHiddenState).square().mean() as tf.Scalar;
    };
    const grads = tf.grads(f)(names.map((n) => w[n]));
    const zero = names.filter((n, i) => tf.max(tf.abs(grads[i])).dataSync()[0] === 0);
    // per tensor: every one gets some gradient (rows of unused positions are zero, the tensor as a whole is not)
    assert.deepEqual(zero, []);
  });
  assert.equal(tf.memory().numTensors, before);
  disposeWeights(w);
});

test('a MobileBERT config.json without its trigram settings is refused, naming them', () => {
  const json = mobileBertConfigToHf(cfg);
  delete json.trigram_input;
  assert.throws(() => mobileBertConfigFromHf(json), /lacks "trigram_input".*trigram/);
  const json2 = mobileBertConfigToHf(cfg);
  delete json2.embedding_size;
  assert.throws(() => mobileBertConfigFromHf(json2), /lacks "embedding_size"/);
});

test('config.json round trip keeps every MobileBERT setting', () => {
  const back = mobileBertConfigFromHf(JSON.parse(JSON.stringify(mobileBertConfigToHf(cfg))));
  for (const k of Object.keys(cfg) as (keyof MobileBertConfig)[]) assert.deepEqual(back[k], cfg[k], k);
});
