import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { dropoutMask, hashDropout, maskUniform, pcgHash, seedKey } from '../../src-main/engine/kernels/dropout-mask.js';
import { maybeDropout } from '../../src-main/engine/bert/ops.js';

test('PCG hash is the reference u32 arithmetic', () => {
  // reference values of pcg_hash (Jarzynski & Olano 2020) computed with 64-bit integers mod 2^32
  const ref = (v: bigint) => {
    const M = (1n << 32n) - 1n;
    const state = (v * 747796405n + 2891336453n) & M;
    const word = (((state >> ((state >> 28n) + 4n)) ^ state) * 277803737n) & M;
    return Number((word >> 22n) ^ word);
  };
  for (const v of [0, 1, 2, 12345, 2 ** 31 - 1, 2 ** 32 - 1]) assert.equal(pcgHash(v), ref(BigInt(v)));
});

test('a mask keeps about 1 - rate of the elements, scales them by 1/(1 - rate), and depends on the seed only', async () => {
  await selectBackend('wasm');
  const a = await dropoutMask([200, 500], 0.1, 7).data();
  const b = await dropoutMask([200, 500], 0.1, 7).data();
  const c = await dropoutMask([200, 500], 0.1, 8).data();
  const kept = Array.from(a).filter((v) => v > 0);
  assert.ok(Math.abs(kept.length / a.length - 0.9) < 0.01, `kept ${kept.length / a.length}`);
  assert.ok(kept.every((v) => Math.abs(v - 1 / 0.9) < 1e-6));
  assert.deepEqual(Array.from(a), Array.from(b));
  const same = Array.from(a).filter((v, i) => v === c[i]).length / a.length;
  assert.ok(same < 0.85, `two seeds agree on ${same} of the elements: they should be independent (~0.82)`);
  assert.ok(maskUniform(3, seedKey(1)) >= 0 && maskUniform(3, seedKey(1)) < 1);
  assert.notEqual(seedKey(1), seedKey(1 + 2 ** 32), 'seeds beyond 2^32 give other masks');
});

test('hash dropout: the gradient is the same mask, and a training step leaks no tensors', async () => {
  await selectBackend('wasm');
  const x = tf.randomNormal([4, 64], 0, 1, 'float32', 3);
  const before = tf.memory().numTensors;
  const g = tf.grad((v: tf.Tensor) => tf.sum(hashDropout(v, 0.25, 99)))(x);
  const mask = dropoutMask([4, 64], 0.25, 99);
  assert.deepEqual(Array.from(await g.data()), Array.from(await mask.data()));
  tf.dispose([g, mask]);
  assert.equal(tf.memory().numTensors, before);
  // maybeDropout: rate 0 is the identity, a seed picks the hash mask
  assert.equal(maybeDropout(x, 0, 1), x);
  const y = maybeDropout(x, 0.25, 99);
  const want = tf.mul(x, dropoutMask([4, 64], 0.25, 99));
  assert.deepEqual(Array.from(await y.data()), Array.from(await want.data()));
  tf.dispose([x, y, want]);
});
