// ALBERT and MobileBERT folders: save → load gives the same tensors and config for every architecture, HF names
// unchanged (bare base models without the prefix), tied decoders handled, unknown model types named with the list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { disposeWeights, type BertWeights } from '../../src-main/engine/bert/weights.js';
import { loadAnyHfModel, parseSafetensors, saveFamilyModel, serializeSafetensors } from '../../src-main/engine/checkpoint/index.js';
import { AlbertConfig, AlbertArchitecture, initAlbertWeights } from '../../src-main/engine/albert/index.js';
import { MobileBertConfig, MobileBertArchitecture, initMobileBertWeights } from '../../src-main/engine/mobilebert/index.js';

const VOCAB = 'test/fixtures/vocab/tiny-uncased-vocab.txt';
const albert: AlbertConfig = {
  vocabSize: 4096, embeddingSize: 8, hiddenSize: 16, numHiddenLayers: 4, numHiddenGroups: 2, innerGroupNum: 2,
  numAttentionHeads: 2, intermediateSize: 24, maxPositionEmbeddings: 16, typeVocabSize: 2, layerNormEps: 1e-12,
  hiddenAct: 'gelu_new', numLabels: 3,
};
const mobile: MobileBertConfig = {
  vocabSize: 4096, embeddingSize: 8, hiddenSize: 16, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 16,
  maxPositionEmbeddings: 16, typeVocabSize: 2, layerNormEps: 1e-12, hiddenAct: 'relu', trigramInput: true,
  useBottleneck: true, intraBottleneckSize: 8, useBottleneckAttention: false, keyQuerySharedBottleneck: true,
  numFeedforwardNetworks: 2, normalizationType: 'no_norm', classifierActivation: true, numLabels: 3,
};
const tmp = () => mkdtempSync(join(tmpdir(), 'wid-family-'));

async function sameTensors(a: BertWeights, b: BertWeights) {
  assert.deepEqual(Object.keys(b).sort(), Object.keys(a).sort());
  for (const n of Object.keys(a)) assert.deepEqual(Array.from(await b[n].data()), Array.from(await a[n].data()), n);
}

const HEADS = { mlm: { mlmHead: true }, classifier: { classifier: true }, base: {} };
for (const [arch, heads] of [['AlbertForMaskedLM', HEADS.mlm], ['AlbertForSequenceClassification', HEADS.classifier], ['AlbertModel', HEADS.base]] as const) {
  test(`${arch}: save then load gives the same tensors, config and architecture`, async () => {
    await selectBackend('cpu');
    const w = initAlbertWeights(albert, 7, heads);
    const dir = join(tmp(), 'm');
    await saveFamilyModel(dir, { family: 'albert', config: albert, weights: w, architecture: arch as AlbertArchitecture, vocabPath: VOCAB });
    const m = await loadAnyHfModel(dir);
    assert.equal(m.family, 'albert');
    assert.equal(m.architecture, arch);
    await sameTensors(w, m.weights);
    assert.equal((m.config as AlbertConfig).innerGroupNum, 2);
    assert.ok(m.tokenizer);
    const names = [...parseSafetensors(readFileSync(join(dir, 'model.safetensors'))).tensors.keys()];
    if (arch === 'AlbertModel') assert.ok(names.every((n) => !n.startsWith('albert.')), 'bare AlbertModel names have no prefix');
    else assert.ok(names.includes('albert.encoder.albert_layer_groups.1.albert_layers.1.ffn.weight'));
    disposeWeights(w); disposeWeights(m.weights);
  });
}

for (const [arch, heads] of [['MobileBertForMaskedLM', HEADS.mlm], ['MobileBertForSequenceClassification', HEADS.classifier], ['MobileBertModel', HEADS.base]] as const) {
  test(`${arch}: save then load gives the same tensors, config and architecture`, async () => {
    await selectBackend('cpu');
    const w = initMobileBertWeights(mobile, 7, heads);
    const dir = join(tmp(), 'm');
    await saveFamilyModel(dir, { family: 'mobilebert', config: mobile, weights: w, architecture: arch as MobileBertArchitecture });
    const m = await loadAnyHfModel(dir);
    assert.equal(m.family, 'mobilebert');
    assert.equal(m.architecture, arch);
    await sameTensors(w, m.weights);
    const cfgJson = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    assert.equal(cfgJson.trigram_input, true);
    assert.equal(cfgJson.normalization_type, 'no_norm');
    disposeWeights(w); disposeWeights(m.weights);
  });
}

test('a tied decoder stored under its own name (word embeddings absent) loads as the word embeddings', async () => {
  await selectBackend('cpu');
  const w = initMobileBertWeights(mobile, 3, { mlmHead: true });
  const dir = join(tmp(), 'm');
  await saveFamilyModel(dir, { family: 'mobilebert', config: mobile, weights: w, architecture: 'MobileBertForMaskedLM' });
  const file = join(dir, 'model.safetensors');
  const parsed = parseSafetensors(readFileSync(file)).tensors;
  const out: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const [n, t] of parsed) out[n === 'mobilebert.embeddings.word_embeddings.weight' ? 'cls.predictions.decoder.weight' : n] = { shape: t.shape, data: t.data as Float32Array };
  writeFileSync(file, serializeSafetensors(out));
  const m = await loadAnyHfModel(dir);
  await sameTensors(w, m.weights);
  disposeWeights(w); disposeWeights(m.weights);
});

test('an unknown model_type is refused, naming it and listing the supported ones', async () => {
  const dir = tmp();
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'roberta', architectures: ['RobertaForMaskedLM'] }));
  await assert.rejects(loadAnyHfModel(dir), /model_type "roberta" \(architecture RobertaForMaskedLM\).*supported: model_type "bert", "albert", "mobilebert".*AlbertForMaskedLM.*MobileBertForMaskedLM/);
  rmSync(dir, { recursive: true });
});

test('a checkpoint whose tensor shape disagrees with config.json names the tensor and both shapes', async () => {
  await selectBackend('cpu');
  const w = initAlbertWeights(albert, 1, { mlmHead: true });
  const dir = join(tmp(), 'm');
  await saveFamilyModel(dir, { family: 'albert', config: albert, weights: w, architecture: 'AlbertForMaskedLM' });
  const cfgPath = join(dir, 'config.json');
  writeFileSync(cfgPath, JSON.stringify({ ...JSON.parse(readFileSync(cfgPath, 'utf8')), embedding_size: 12 }));
  await assert.rejects(loadAnyHfModel(dir), /tensor "albert\.embeddings\.word_embeddings\.weight" has shape \[4096, 8\] but config\.json \(AlbertForMaskedLM\) expects \[4096, 12\]/);
  disposeWeights(w);
});

test('BERT folders still load through loadAnyHfModel unchanged', async () => {
  await selectBackend('cpu');
  const m = await loadAnyHfModel('test/fixtures/bert/tiny-teacher');
  assert.equal(m.family, 'bert');
  assert.equal(m.architecture, 'BertForMaskedLM');
  disposeWeights(m.weights);
});
