import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { loadHfModel } from '../../src-main/engine/checkpoint/index.js';
import { disposeWeights } from '../../src-main/engine/bert/index.js';
import { fineTune } from '../../src-main/engine/glue/finetune.js';
import { fineTuneSweep, sweepPoints } from '../../src-main/engine/glue/sweep.js';
import { loadGlueSplit, type GlueExample } from '../../src-main/engine/glue/tsv-loader.js';

const GLUE = 'test/fixtures/glue';
const TEACHER = 'test/fixtures/bert/tiny-teacher';
const base = { lr: 1e-3, epochs: 1, batchSize: 16, maxLength: 32, warmupRatio: 0, weightDecay: 0.01, seed: 3 };

test('sweep points are the lr × epochs grid, lr-major, other settings kept', () => {
  const pts = sweepPoints(base, { lr: [1e-3, 1e-4], epochs: [1, 2] });
  assert.deepEqual(pts.map((p) => [p.lr, p.epochs]), [[1e-3, 1], [1e-3, 2], [1e-4, 1], [1e-4, 2]]);
  assert.ok(pts.every((p) => p.batchSize === 16 && p.seed === 3));
  assert.deepEqual(sweepPoints(base, { lr: [5e-4] }).map((p) => p.epochs), [1]);
  assert.throws(() => sweepPoints(base, { lr: [] }), /sweep.lr must be a non-empty list/);
});

test('a sweep runs every point and keeps the weights of the best one only', async () => {
  await selectBackend('wasm');
  const model = await loadHfModel(TEACHER);
  const train = loadGlueSplit(GLUE, 'SST-2', 'train')[0].examples.slice(0, 96);
  const dev = loadGlueSplit(GLUE, 'SST-2', 'dev').map((d) => ({ ...d, examples: d.examples.slice(0, 64) }));
  const before = tf.memory().numTensors;
  try {
    const seen: number[] = [];
    const r = await fineTuneSweep({ model, tokenizer: model.tokenizer!, task: 'SST-2', trainRows: train, devSplits: dev, hp: base, keepBestWeights: true, onPoint: (p) => seen.push(p.index) },
      { lr: [1e-3, 1e-5], epochs: [1, 2] });
    assert.deepEqual(seen, [0, 1, 2, 3]);
    assert.equal(r.points.length, 4);
    assert.equal(r.best.result.best.score, Math.max(...r.points.map((p) => p.result.best.score)));
    assert.ok(r.best.result.bestWeights, 'best point keeps its weights');
    assert.ok(r.points.filter((p) => p !== r.best).every((p) => p.result.bestWeights === undefined));
    assert.deepEqual(r.best.result.bestWeights!['classifier.weight'].shape, [2, 64]);
    disposeWeights(r.best.result.bestWeights!);
    assert.equal(tf.memory().numTensors, before);
  } finally {
    disposeWeights(model.weights);
  }
});

test('STS-B is fine-tuned as regression and scored with Pearson and Spearman', async () => {
  await selectBackend('wasm');
  const model = await loadHfModel(TEACHER);
  // Rows in STS-B's form (a sentence pair and a 0-5 similarity): identical pairs score 5, unrelated ones 0.
  const words = ['the cat sat on the mat', 'a man is playing a guitar', 'stocks fell sharply today', 'she reads a book', 'the train was late', 'kids play in the park'];
  const rows: GlueExample[] = words.flatMap((a, i) => words.map((b, j) => ({ textA: a, textB: b, label: i === j ? 5 : (i + j) % 3, line: i * 6 + j + 2 })));
  try {
    const r = await fineTune({ model, tokenizer: model.tokenizer!, task: 'STS-B', trainRows: rows, devSplits: [{ task: 'STS-B', split: 'STS-B', file: 'inline', examples: rows }],
      hp: { ...base, epochs: 2 } });
    assert.equal(r.config.numLabels, 1);
    assert.equal(r.config.problemType, 'regression');
    assert.deepEqual(Object.keys(r.best.metrics['STS-B']).sort(), ['pearson', 'spearman']);
    assert.ok(Number.isFinite(r.best.score));
  } finally {
    disposeWeights(model.weights);
  }
});

test('bad hyper-parameters and an oversized maxLength are refused before training', async () => {
  await selectBackend('wasm');
  const model = await loadHfModel(TEACHER);
  const train = loadGlueSplit(GLUE, 'RTE', 'train')[0].examples.slice(0, 4);
  const dev = loadGlueSplit(GLUE, 'RTE', 'dev');
  try {
    const args = { model, tokenizer: model.tokenizer!, task: 'RTE' as const, trainRows: train, devSplits: dev };
    await assert.rejects(fineTune({ ...args, hp: { ...base, lr: -1 } }), /fine-tune lr must be a positive number, got -1/);
    await assert.rejects(fineTune({ ...args, hp: { ...base, maxLength: 512 } }), /maxLength 512 exceeds the model's maxPositionEmbeddings \(128\)/);
    await assert.rejects(fineTune({ ...args, trainRows: [], hp: base }), /RTE has no training rows/);
  } finally {
    disposeWeights(model.weights);
  }
});
