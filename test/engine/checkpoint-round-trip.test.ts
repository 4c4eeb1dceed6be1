import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { BertConfig } from '../../src-main/engine/bert/config.js';
import { initBertWeights, disposeWeights, BertWeights } from '../../src-main/engine/bert/weights.js';
import { loadHfModel, saveHfModel, parseSafetensors, serializeSafetensors } from '../../src-main/engine/checkpoint/index.js';

const VOCAB = 'test/fixtures/vocab/tiny-uncased-vocab.txt';
const cfg: BertConfig = {
  vocabSize: 4096, hiddenSize: 16, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 32,
  maxPositionEmbeddings: 16, typeVocabSize: 2, layerNormEps: 1e-12, hiddenAct: 'gelu', numLabels: 3,
};
const tmp = () => mkdtempSync(join(tmpdir(), 'wid-ckpt-'));

function assertSameWeights(a: BertWeights, b: BertWeights): void {
  assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort());
  for (const name of Object.keys(a)) {
    assert.deepEqual(b[name].shape, a[name].shape, name);
    assert.deepEqual(b[name].dataSync(), a[name].dataSync(), name);
  }
}

test('BertForMaskedLM: save -> load gives identical tensors, config, architecture and tokenizer', async () => {
  await selectBackend('wasm');
  const w = initBertWeights(cfg, 7, { mlmHead: true });
  const dir = join(tmp(), 'student');
  await saveHfModel(dir, { config: cfg, weights: w, architecture: 'BertForMaskedLM', vocabPath: VOCAB });
  const m = await loadHfModel(dir);
  assert.equal(m.architecture, 'BertForMaskedLM');
  assert.equal(m.config.hiddenSize, 16);
  assert.equal(m.config.numHiddenLayers, 2);
  assert.equal(m.tokenizer!.vocabSize, 4096);
  assert.equal(m.tokenizer!.lowercase, true);
  assert.deepEqual(m.ignoredTensors, []);
  assertSameWeights(w, m.weights);
  const written = parseSafetensors(readFileSync(join(dir, 'model.safetensors')));
  assert.ok(!written.tensors.has('cls.predictions.decoder.weight'), 'tied decoder is not duplicated');
  assert.ok(!written.tensors.has('bert.pooler.dense.weight'), 'BertForMaskedLM has no pooler');
  disposeWeights(w); disposeWeights(m.weights);
});

test('BertForSequenceClassification round-trips pooler and classifier', async () => {
  await selectBackend('wasm');
  const w = initBertWeights(cfg, 8, { classifier: true });
  const dir = join(tmp(), 'cls');
  await saveHfModel(dir, { config: cfg, weights: w, architecture: 'BertForSequenceClassification' });
  const m = await loadHfModel(dir);
  assert.equal(m.architecture, 'BertForSequenceClassification');
  assert.equal(m.config.numLabels, 3);
  assert.equal(m.tokenizer, undefined);
  assertSameWeights(w, m.weights);
  disposeWeights(w); disposeWeights(m.weights);
});

test('a bare BertModel checkpoint is written without and read back with the bert. prefix', async () => {
  await selectBackend('wasm');
  const w = initBertWeights(cfg, 9, { pooler: true });
  const dir = join(tmp(), 'bare');
  await saveHfModel(dir, { config: cfg, weights: w, architecture: 'BertModel' });
  const names = [...parseSafetensors(readFileSync(join(dir, 'model.safetensors'))).tensors.keys()];
  assert.ok(names.includes('embeddings.word_embeddings.weight'));
  assert.ok(!names.some((n) => n.startsWith('bert.')));
  const m = await loadHfModel(dir);
  assert.equal(m.architecture, 'BertModel');
  assertSameWeights(w, m.weights);
  disposeWeights(w); disposeWeights(m.weights);
});

test('a tensor whose shape disagrees with config.json fails naming the tensor and both shapes', async () => {
  await selectBackend('wasm');
  const w = initBertWeights(cfg, 10, { mlmHead: true });
  const dir = join(tmp(), 'bad');
  await saveHfModel(dir, { config: cfg, weights: w, architecture: 'BertForMaskedLM' });
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  config.intermediate_size = 48;
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  await assert.rejects(loadHfModel(dir),
    /tensor "bert\.encoder\.layer\.0\.intermediate\.dense\.weight" has shape \[32, 16\] but config\.json \(BertForMaskedLM\) expects \[48, 16\]/);
  disposeWeights(w);
});

test('a missing tensor fails naming it and its expected shape', async () => {
  const dir = join(tmp(), 'missing');
  await selectBackend('wasm');
  const w = initBertWeights(cfg, 11, { mlmHead: true });
  await saveHfModel(dir, { config: cfg, weights: w, architecture: 'BertForMaskedLM' });
  const file = parseSafetensors(readFileSync(join(dir, 'model.safetensors')));
  const kept: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const [n, t] of file.tensors) if (n !== 'bert.encoder.layer.1.output.LayerNorm.bias') kept[n] = { shape: t.shape, data: t.data as Float32Array };
  writeFileSync(join(dir, 'model.safetensors'), serializeSafetensors(kept));
  await assert.rejects(loadHfModel(dir), /lacks tensor "bert\.encoder\.layer\.1\.output\.LayerNorm\.bias" \(expected shape \[16\]/);
  disposeWeights(w);
});

test('a truncated model.safetensors fails naming the file', async () => {
  const dir = join(tmp(), 'trunc');
  await selectBackend('wasm');
  const w = initBertWeights(cfg, 12, { mlmHead: true });
  await saveHfModel(dir, { config: cfg, weights: w, architecture: 'BertForMaskedLM' });
  const path = join(dir, 'model.safetensors');
  const bytes = readFileSync(path);
  writeFileSync(path, bytes.subarray(0, bytes.byteLength - 1000));
  await assert.rejects(loadHfModel(dir), (e: Error) => e.message.includes(`${path} is truncated: tensor "`) && /file bytes \d+\.\.\d+/.test(e.message));
  disposeWeights(w);
});

test('a failed save leaves an existing checkpoint directory untouched', async () => {
  await selectBackend('wasm');
  const parent = tmp();
  const dir = join(parent, 'keep');
  const w = initBertWeights(cfg, 13, { mlmHead: true });
  await saveHfModel(dir, { config: cfg, weights: w, architecture: 'BertForMaskedLM' });
  const before = readFileSync(join(dir, 'model.safetensors'));
  // classifier weights are missing: the save must fail before touching `dir`
  await assert.rejects(saveHfModel(dir, { config: cfg, weights: w, architecture: 'BertForSequenceClassification' }),
    /weight "bert\.pooler\.dense\.weight" \(shape \[16, 16\]\) is missing/);
  await assert.rejects(saveHfModel(dir, { config: cfg, weights: w, architecture: 'BertForMaskedLM', vocabPath: join(parent, 'nope.txt') }),
    /cannot read vocabulary file/);
  assert.deepEqual(readFileSync(join(dir, 'model.safetensors')), before);
  assert.deepEqual(readdirSync(parent), ['keep']);
  assert.ok(existsSync(join(dir, 'config.json')));
  disposeWeights(w);
});

test('a sharded checkpoint with bare BertModel names and old LayerNorm.gamma/beta names loads under our names', async () => {
  await selectBackend('wasm');
  const w = initBertWeights(cfg, 14, { pooler: true });
  const dir = join(tmp(), 'sharded');
  await saveHfModel(dir, { config: cfg, weights: w, architecture: 'BertModel' });
  const all = parseSafetensors(readFileSync(join(dir, 'model.safetensors'))).tensors;
  const shards: Record<string, Record<string, { shape: number[]; data: Float32Array }>>[] = [{}, {}].map(() => ({ t: {} }));
  const weightMap: Record<string, string> = {};
  [...all.keys()].forEach((name, i) => {
    const old = name.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta');
    shards[i % 2].t[old] = { shape: all.get(name)!.shape, data: all.get(name)!.data as Float32Array };
    weightMap[old] = `model-0000${(i % 2) + 1}-of-00002.safetensors`;
  });
  shards.forEach((s, i) => writeFileSync(join(dir, `model-0000${i + 1}-of-00002.safetensors`), serializeSafetensors(s.t)));
  writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }));
  rmSync(join(dir, 'model.safetensors'));
  const m = await loadHfModel(dir);
  assertSameWeights(w, m.weights);
  assert.equal(m.files.length, 3);
  disposeWeights(w); disposeWeights(m.weights);
});

test('a directory with only pytorch_model.bin is refused with a hint to re-save as safetensors', async () => {
  const dir = tmp();
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'bert', vocab_size: 10, hidden_size: 4, num_hidden_layers: 1, num_attention_heads: 1, intermediate_size: 8 }));
  writeFileSync(join(dir, 'pytorch_model.bin'), 'x');
  await assert.rejects(loadHfModel(dir), /has only pytorch_model\.bin; we read safetensors only/);
});

test('a transformers v5 directory (tokenizer.json, no vocab.txt) loads with its tokenizer, and a save writes vocab.txt', async () => {
  await selectBackend('wasm');
  // saved by transformers 5.17's save_pretrained (scripts/fixtures/make_finetune_fixture.py): no vocab.txt
  const v5 = 'test/fixtures/glue-parity/rte/start';
  assert.ok(!existsSync(join(v5, 'vocab.txt')) && existsSync(join(v5, 'tokenizer.json')));
  const m = await loadHfModel(v5);
  try {
    const teacherVocab = readFileSync('test/fixtures/bert/tiny-teacher/vocab.txt', 'utf8');
    assert.equal(m.vocabPath, undefined);
    assert.deepEqual(m.tokenizer!.vocab, teacherVocab.split('\n').slice(0, -1));
    assert.ok(m.files.includes(join(v5, 'tokenizer.json')));
    const dir = join(tmp(), 'resaved');
    await saveHfModel(dir, { config: m.config, weights: m.weights, architecture: 'BertForSequenceClassification', vocab: m.tokenizer!.vocab });
    assert.equal(readFileSync(join(dir, 'vocab.txt'), 'utf8'), teacherVocab);
    const back = await loadHfModel(dir);
    assert.deepEqual(back.tokenizer!.encode('the cat sat on the mat', 'a dog'), m.tokenizer!.encode('the cat sat on the mat', 'a dog'));
    disposeWeights(back.weights);
  } finally {
    disposeWeights(m.weights);
  }
});

test('a tokenizer.json that is not WordPiece (as a SentencePiece model has) and no vocab.txt: the model loads without a tokenizer', async () => {
  await selectBackend('wasm');
  const dir = join(tmp(), 'unigram');
  cpSync('test/fixtures/glue-parity/rte/start', dir, { recursive: true });
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify({ model: { type: 'Unigram', vocab: [['<pad>', 0], ['▁the', -3.1]] } }));
  const m = await loadHfModel(dir);
  try {
    assert.equal(m.tokenizer, undefined);
    assert.equal(m.vocabPath, undefined);
    assert.ok(!m.files.includes(join(dir, 'tokenizer.json')));
  } finally {
    disposeWeights(m.weights);
  }
});
