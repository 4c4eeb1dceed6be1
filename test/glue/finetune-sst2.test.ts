// A real fine-tune: the tiny teacher (random init, 2 layers, hidden 64) on 400 SST-2 training rows,
// scored on a disjoint 200-row slice (see test/fixtures/glue/SOURCES.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { loadHfModel } from '../../src-main/engine/checkpoint/index.js';
import { disposeWeights } from '../../src-main/engine/bert/index.js';
import { fineTune } from '../../src-main/engine/glue/finetune.js';
import { loadGlueSplit } from '../../src-main/engine/glue/tsv-loader.js';

const GLUE = 'test/fixtures/glue';
const TEACHER = 'test/fixtures/bert/tiny-teacher';

test('fine-tuning the tiny teacher on SST-2 beats the majority class on held-out rows, leaking nothing', async () => {
  await selectBackend('wasm');
  const model = await loadHfModel(TEACHER);
  const train = loadGlueSplit(GLUE, 'SST-2', 'train')[0].examples;
  const dev = loadGlueSplit(GLUE, 'SST-2', 'dev');
  const positives = dev[0].examples.filter((e) => e.label === 1).length;
  const majority = Math.max(positives, dev[0].examples.length - positives) / dev[0].examples.length; // 0.515
  const embeddingsBefore = Array.from(model.weights['bert.embeddings.word_embeddings.weight'].dataSync().slice(0, 64));
  const tensorsBefore = tf.memory().numTensors;
  try {
    const result = await fineTune({
      model, tokenizer: model.tokenizer!, task: 'SST-2', trainRows: train, devSplits: dev,
      hp: { lr: 1e-3, epochs: 4, batchSize: 16, maxLength: 48, warmupRatio: 0.1, weightDecay: 0.01, seed: 1, dropout: 0 },
    });
    assert.equal(result.epochs.length, 4);
    assert.equal(result.steps, 4 * Math.ceil(train.length / 16));
    assert.equal(result.best.score, Math.max(...result.epochs.map((e) => e.score)));
    // Seeded run measured at 0.615 (epoch 3) vs 0.515 majority; require at least 5 points over it.
    assert.ok(result.best.metrics['SST-2'].accuracy >= majority + 0.05,
      `best dev accuracy ${result.best.metrics['SST-2'].accuracy} should beat the majority class (${majority}) by 0.05`);
    assert.equal(tf.memory().numTensors, tensorsBefore);
    // fine-tuning trains copies: the caller's model is unchanged
    assert.deepEqual(Array.from(model.weights['bert.embeddings.word_embeddings.weight'].dataSync().slice(0, 64)), embeddingsBefore);
  } finally {
    disposeWeights(model.weights);
  }
});
