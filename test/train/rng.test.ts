import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src-main/engine/train/rng.js';

test('rng restored from a saved state continues the same sequence', () => {
  const a = new Rng(42);
  a.next(); a.next();
  const saved = a.getState();
  const expected = [a.next(), a.next(), a.next()];
  const b = new Rng(7);
  b.setState(saved);
  assert.deepEqual([b.next(), b.next(), b.next()], expected);
});

test('rng with the same seed repeats and values stay in [0, 1)', () => {
  const x = new Rng(3), y = new Rng(3);
  for (let i = 0; i < 1000; i++) {
    const v = x.next();
    assert.equal(v, y.next());
    assert.ok(v >= 0 && v < 1);
  }
});
