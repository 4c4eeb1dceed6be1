import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { LaggedReads } from '../../src-main/engine/train/lagged-reads.js';

test('values are read in batches of N, in step order, each with its tag, and nothing leaks', async () => {
  await selectBackend('wasm');
  const before = tf.memory().numTensors;
  const reads = new LaggedReads<number>(3);
  const seen: [number, number[]][] = [];
  for (let step = 1; step <= 7; step++) {
    const due = await reads.push(tf.tensor1d([step, -step]), step);
    // nothing comes back until three are waiting
    assert.equal(due.length, step % 3 === 0 ? 3 : 0);
    for (const d of due) seen.push([d.tag, d.values]);
  }
  for (const d of await reads.flush()) seen.push([d.tag, d.values]);
  assert.deepEqual(seen.map(([t]) => t), [1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(seen[4][1], [5, -5]);
  assert.deepEqual(await reads.flush(), []);
  assert.equal(tf.memory().numTensors, before);
});

test('dispose drops waiting values without reading them', async () => {
  await selectBackend('wasm');
  const before = tf.memory().numTensors;
  const reads = new LaggedReads<string>(10);
  await reads.push(tf.tensor1d([1]), 'a');
  await reads.push(tf.tensor1d([2]), 'b');
  reads.dispose();
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => new LaggedReads(0), /positive integer/);
});
