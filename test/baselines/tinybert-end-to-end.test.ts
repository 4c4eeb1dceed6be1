// A tiny TinyBERT run through the shared loop lowers its loss and exports a student that loads back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { bertForward, disposeWeights, mlmHead } from '../../src-main/engine/bert/index.js';
import { loadHfModel, type LoadedHfModel } from '../../src-main/engine/checkpoint/index.js';
import { createTinyBertMethod } from '../../src-main/engine/methods/tinybert/index.js';
import { TINY_TEACHER, mean, tinyRun } from './support/tiny-run.js';

let teacher: LoadedHfModel;
before(async () => {
  await selectBackend('wasm');
  teacher = await loadHfModel(TINY_TEACHER);
});
after(() => disposeWeights(teacher.weights));

test('TinyBERT on the tiny teacher: loss falls over 12 steps, the exported narrower student loads back and runs', async () => {
  const before = tf.memory().numTensors;
  // default preset scaled to the 2-layer, 64-hidden teacher: 1 layer, 28 hidden (multiple of 4 heads), 50 intermediate
  const run = await tinyRun(teacher, () => createTinyBertMethod(teacher, { seed: 1, dropout: 0 }), 12, 5e-3);
  assert.equal(run.summary.steps, 12);
  const first = mean(run.losses.slice(0, 3)), last = mean(run.losses.slice(-3));
  assert.ok(last < first, `loss ${first} -> ${last}`);
  assert.deepEqual(Object.keys(run.parts).sort(), ['attention', 'embedding', 'hidden']);
  const s = run.reloaded;
  assert.deepEqual([s.config.numHiddenLayers, s.config.hiddenSize, s.config.numAttentionHeads, s.config.intermediateSize], [1, 28, 4, 50]);
  const shape = tf.tidy(() => {
    const ids = tf.tensor2d([[2, 10, 11, 3]], undefined, 'int32');
    return mlmHead(s.weights, s.config, bertForward(s.weights, s.config, { inputIds: ids, attentionMask: tf.onesLike(ids) as tf.Tensor2D }).lastHiddenState).shape;
  });
  assert.deepEqual(shape, [1, 4, teacher.config.vocabSize]);
  disposeWeights(s.weights);
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind by the run');
});
