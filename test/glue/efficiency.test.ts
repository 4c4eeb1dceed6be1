import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { initBertWeights, disposeWeights, parameterCount, type BertConfig } from '../../src-main/engine/bert/index.js';
import { measureEfficiency, modelFileSize, efficiencyEvaluations } from '../../src-main/engine/glue/efficiency.js';

const cfg: BertConfig = {
  vocabSize: 60, hiddenSize: 16, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 32,
  maxPositionEmbeddings: 32, typeVocabSize: 2, layerNormEps: 1e-12, hiddenAct: 'gelu', numLabels: 2,
};

test('efficiency figures are positive, timed per batch size, and leak no tensors', async () => {
  await selectBackend('wasm');
  const weights = initBertWeights(cfg, 3, { classifier: true });
  const dir = mkdtempSync(join(tmpdir(), 'wid-eff-'));
  writeFileSync(join(dir, 'model.safetensors'), Buffer.alloc(1000));
  writeFileSync(join(dir, 'config.json'), '{}');
  writeFileSync(join(dir, 'reference.safetensors'), Buffer.alloc(500)); // not the model's weights
  try {
    const before = tf.memory().numTensors;
    const f = await measureEfficiency({ config: cfg, weights }, { batchSizes: [1, 32], seqLen: 16, warmup: 1, iters: 2, modelDir: dir });
    assert.equal(tf.memory().numTensors, before);
    assert.equal(f.parameterCount, parameterCount(cfg, { classifier: true }));
    assert.equal(f.fileSize, 1000); // model.safetensors only, not config.json or other files
    assert.equal(f.backend, 'wasm');
    assert.deepEqual(f.timings.map((t) => [t.batchSize, t.seqLen, t.iters]), [[1, 16, 2], [32, 16, 2]]);
    assert.ok(f.latencyMsBatch1! > 0);
    assert.ok(f.throughputBatch32! > 0);
    assert.deepEqual(efficiencyEvaluations(f).map((e) => e.metric), ['parameterCount', 'flopsPerToken', 'fileSize', 'latencyMsBatch1', 'throughputBatch32']);
  } finally {
    disposeWeights(weights);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a sequence longer than the model accepts is refused, naming both lengths', async () => {
  await selectBackend('wasm');
  const weights = initBertWeights(cfg, 3, { mlmHead: true });
  try {
    await assert.rejects(measureEfficiency({ config: cfg, weights }, { seqLen: 128 }), /seqLen 128 exceeds .*\(32\)/);
  } finally {
    disposeWeights(weights);
  }
});

test('a sharded checkpoint is as big as its shards; a folder without weights has no size', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wid-eff-'));
  try {
    assert.throws(() => modelFileSize(dir), /no weight file/);
    writeFileSync(join(dir, 'a.safetensors'), Buffer.alloc(300));
    writeFileSync(join(dir, 'b.safetensors'), Buffer.alloc(200));
    writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { x: 'a.safetensors', y: 'b.safetensors', z: 'a.safetensors' } }));
    assert.equal(modelFileSize(dir), 500);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
