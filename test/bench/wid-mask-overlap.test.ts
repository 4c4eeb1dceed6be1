// bench wid-mask-overlap on the tiny fixtures: the masks at each asked step against the reference step's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measureMaskOverlap } from '../../bench/wid-mask-overlap.js';

test('wid-mask-overlap scores the masks at each step and at the reference; the reference shares all its masked dims with itself', async () => {
  const r = await measureMaskOverlap({
    teacher: 'test/fixtures/bert/tiny-teacher', corpus: 'test/fixtures/corpus/pride-and-prejudice.txt', steps: 20, at: [1, 2], reference: 3,
    batch: 2, seq: 16, preset: 'wid55', seed: 1, backend: 'wasm', lr: 1e-4,
  });
  assert.equal(r.lr, 1e-4, 'the record names the lr it ran at');
  assert.deepEqual(r.rows.map((x) => x.step), [1, 2, 3]);
  const ref = r.rows.at(-1)!;
  for (const g of ['residual', 'heads', 'attention', 'intermediate'] as const) {
    assert.equal(ref.target[g].maskedOverlap, 1, g);
    for (const row of r.rows) assert.ok(row.target[g].maskedOverlap >= 0 && row.target[g].maskedOverlap <= 1);
  }
  assert.ok(ref.target.residual.masked > 0, 'the target masks some residual dims');
  await assert.rejects(measureMaskOverlap({ teacher: 'x', corpus: 'y', steps: 10, at: [5], reference: 3, batch: 2, seq: 16, preset: 'wid55', seed: 1, backend: 'wasm' }), /--at: 5 must be an integer step in 1..3/);
  await assert.rejects(measureMaskOverlap({ teacher: 'x', corpus: 'y', steps: 10, at: [1], reference: 3, batch: 2, seq: 16, preset: 'wid55', seed: 1, backend: 'wasm', lr: Number('1e-4x') }), /--lr: expected a learning rate in \(0, 1\), got NaN/);
});
