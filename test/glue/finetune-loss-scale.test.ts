// Fine-tuning with dynamic loss scaling (fp32 matmuls on wasm; docs/precision.md): without overflow it trains as
// fp32 does; a batch whose loss overflows is skipped and halves the scale, where fp32 stops the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { loadHfModel } from '../../src-main/engine/checkpoint/index.js';
import { disposeWeights } from '../../src-main/engine/bert/index.js';
import { fineTune, type FineTuneArgs, type FineTuneProgress } from '../../src-main/engine/glue/finetune.js';
import { loadGlueSplit, type GlueExample } from '../../src-main/engine/glue/tsv-loader.js';

const GLUE = 'test/fixtures/glue';
const TEACHER = 'test/fixtures/bert/tiny-teacher';
const hp = { lr: 1e-3, epochs: 2, batchSize: 16, maxLength: 32, warmupRatio: 0, weightDecay: 0.01, seed: 3, dropout: 0 };

async function setup() {
  await selectBackend('wasm');
  const model = await loadHfModel(TEACHER);
  const trainRows = loadGlueSplit(GLUE, 'SST-2', 'train')[0].examples.slice(0, 48);
  const devSplits = loadGlueSplit(GLUE, 'SST-2', 'dev').map((d) => ({ ...d, examples: d.examples.slice(0, 32) }));
  return { model, args: { model, tokenizer: model.tokenizer!, task: 'SST-2' as const, trainRows, devSplits, hp, readEvery: 1, keepBestWeights: true } satisfies FineTuneArgs };
}

test('a fine-tune with dynamic loss scaling and no overflow trains as the fp32 one does, and says so', async () => {
  const { model, args } = await setup();
  const before = tf.memory().numTensors;
  try {
    const losses = { off: [] as number[], dynamic: [] as number[] };
    const off = await fineTune({ ...args, onProgress: (p) => losses.off.push(p.loss) });
    const scaled = await fineTune({ ...args, lossScaling: 'dynamic', onProgress: (p) => losses.dynamic.push(p.loss) });
    assert.deepEqual(off.lossScaling, { mode: 'off', scale: null, skippedSteps: 0 });
    assert.deepEqual(scaled.lossScaling, { mode: 'dynamic', scale: 65536, skippedSteps: 0 });
    assert.equal(losses.dynamic.length, losses.off.length);
    losses.dynamic.forEach((l, i) => assert.ok(Math.abs(l - losses.off[i]) <= 1e-5 * Math.abs(losses.off[i]), `step ${i + 1}: ${l} vs ${losses.off[i]}`));
    const w = scaled.bestWeights!['classifier.weight'].dataSync(), ref = off.bestWeights!['classifier.weight'].dataSync();
    for (let i = 0; i < w.length; i++) assert.ok(Math.abs(w[i] - ref[i]) <= 1e-5 * Math.max(Math.abs(ref[i]), 1e-3), `classifier.weight[${i}]: ${w[i]} vs ${ref[i]}`);
    disposeWeights(off.bestWeights!);
    disposeWeights(scaled.bestWeights!);
    assert.equal(tf.memory().numTensors, before);
  } finally {
    disposeWeights(model.weights);
  }
});

test('a batch whose loss overflows is skipped, once per epoch, and halves the scale; the rest trains', async () => {
  await selectBackend('wasm');
  const model = await loadHfModel(TEACHER);
  // STS-B-shaped rows; one label is 1e38: its batch's squared error is inf in float32 and its gradient, times the scale, too
  const words = ['the cat sat on the mat', 'a man is playing a guitar', 'stocks fell sharply today', 'she reads a book', 'the train was late', 'kids play in the park'];
  const rows: GlueExample[] = words.flatMap((a, i) => words.map((b, j) => ({ textA: a, textB: b, label: i === j ? 5 : (i + j) % 3, line: i * 6 + j + 2 })));
  const trainRows = rows.map((r, i) => (i === 7 ? { ...r, label: 1e38 } : r));
  try {
    const events: FineTuneProgress[] = [];
    const r = await fineTune({
      model, tokenizer: model.tokenizer!, task: 'STS-B', trainRows, devSplits: [{ task: 'STS-B', split: 'STS-B', file: 'inline', examples: rows }],
      hp: { ...hp, batchSize: 8 }, readEvery: 1, lossScaling: 'dynamic', onProgress: (p) => events.push(p),
    });
    assert.deepEqual(events.map((e) => e.step), events.map((_, i) => i + 1), 'every step is reported');
    const skipped = events.filter((e) => e.skipped);
    assert.equal(skipped.length, 2, 'the batch with the row, once per epoch');
    assert.deepEqual(r.lossScaling, { mode: 'dynamic', scale: 65536 / 4, skippedSteps: 2 });
    assert.deepEqual(skipped.map((e) => e.lossScale), [65536 / 2, 65536 / 4]);
    assert.ok(skipped.every((e) => !Number.isFinite(e.loss)));
    assert.ok(events.filter((e) => !e.skipped).every((e) => Number.isFinite(e.loss)));
    assert.ok(Number.isFinite(r.best.score));
    // without loss scaling the same batch ends the run
    await assert.rejects(fineTune({
      model, tokenizer: model.tokenizer!, task: 'STS-B', trainRows, devSplits: [{ task: 'STS-B', split: 'STS-B', file: 'inline', examples: rows }],
      hp: { ...hp, batchSize: 8 }, readEvery: 1,
    }), /the loss diverged/);
  } finally {
    disposeWeights(model.weights);
  }
});
