// A mask event of the authors' schedule must not change what a captured step reads besides values: the keep vectors
// (penalty, LayerNorm statistics) are written in place and the step key names no event. A short run recomputes the
// masks after every step (wStep = max(1, round(maskEvery · steps)) = 1 for 10 steps): with a key and new keep
// tensors per event, every step of the job was recorded eagerly and none replayed (the webgpu job ran far slower
// than bench wid).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { disposeWeights } from '../../src-main/engine/bert/index.js';
import { createWidMethod } from '../../src-main/engine/methods/wid/index.js';
import { WidMaskState } from '../../src-main/engine/methods/wid/mask-state.js';
import { keepVectors, disposeKeepVectors, type KeepVectors } from '../../src-main/engine/methods/wid/penalty.js';
import { fullMasks } from '../../src-main/engine/methods/wid/masks.js';
import { authorsWStep } from '../../src-main/engine/methods/wid/pruning-schedule.js';
import { tinyConfig, tinyTeacher } from './support/tiny-teacher.js';

const target = { hidden: 8, heads: 4, intermediate: 16 };
const list = (k: KeepVectors) => [k.residual, ...k.attention, ...k.intermediate, k.masked.residual, ...k.masked.attention, ...k.masked.intermediate];

test("authors' schedule: one step key after the first mask however many mask events follow (no capture per event)", async () => {
  await selectBackend('wasm');
  const teacher = tinyTeacher(5);
  const total = 10;
  const m = createWidMethod({ config: tinyConfig, weights: teacher }, { target, variablePrefix: 'wid-key/' });
  try {
    assert.equal(authorsWStep(total, m.options.maskEvery), 1, 'a mask event after every step of this run');
    const keys: string[] = [];
    for (let step = 0; step < total - 1; step++) {
      keys.push(m.stepKey!(step, total));
      await m.afterStepAsync(step, total);
    }
    assert.equal(m.eventsApplied(), total - 1);
    assert.notEqual(keys[0], keys[1], 'the L2 pull before the first mask is another step');
    assert.deepEqual(new Set(keys.slice(1)).size, 1, `keys after the first mask: ${[...new Set(keys.slice(1))].join(', ')}`);
  } finally {
    m.dispose();
    disposeWeights(teacher);
  }
});

test("'hard' schedule: still a key per mask event (its widths change)", async () => {
  await selectBackend('wasm');
  const teacher = tinyTeacher(6);
  const m = createWidMethod({ config: tinyConfig, weights: teacher }, { target, schedule: 'hard', pruneStart: 0.2, pruneEnd: 0.6, pruneEvents: 3, variablePrefix: 'wid-key-hard/' });
  try {
    const keys = new Set<string>();
    for (let step = 0; step < 10; step++) { keys.add(m.stepKey!(step, 10)); await m.afterStepAsync(step, 10); }
    assert.equal(keys.size, 4, [...keys].join(', '));
  } finally {
    m.dispose();
    disposeWeights(teacher);
  }
});

test('a mask event writes the keep vectors in place: same tensors, same data, the new masks\' values', async () => {
  await selectBackend('wasm');
  const state = new WidMaskState(tinyConfig);
  try {
    const before = list(state.keep);
    const ids = before.map((t) => t.dataId);
    const masks = fullMasks(tinyConfig);
    masks.residual = [1, 3, 4, 6, 8, 9, 12, 15];
    masks.headDims = masks.headDims.map((layer) => layer.map((dims, h) => dims.filter((j) => (j + h) % 2 === 0)));
    masks.intermediate = masks.intermediate.map((kept) => kept.filter((i) => i % 3 !== 0));
    const tensorsBefore = tf.memory().numTensors;
    state.set(masks, 1);
    const indexTensors = [state.indices.residual, ...state.indices.attention, ...state.indices.intermediate].filter((t) => t !== null).length;
    assert.equal(tf.memory().numTensors, tensorsBefore + indexTensors, 'the event adds its index tensors and nothing else');
    const after = list(state.keep);
    // the same tensor objects; on webgpu also the same data (and buffer: assignInPlace), where a captured step reads them
    after.forEach((t, i) => { assert.equal(t, before[i]); if (tf.getBackend() === 'webgpu') assert.equal(t.dataId, ids[i]); });
    const expected = keepVectors(tinyConfig, masks);
    try {
      const want = list(expected);
      for (let i = 0; i < after.length; i++) assert.deepEqual(Array.from(await after[i].data()), Array.from(await want[i].data()), `keep vector ${i}`);
    } finally {
      disposeKeepVectors(expected);
    }
  } finally {
    state.dispose();
  }
});
