// The issue-23 measurements of a WID run: what the export slices off (the largest masked compactor entry per matrix),
// the masks the authors' criterion would choose now (previewMasks), and the overlap of two mask sets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { disposeWeights } from '../../src-main/engine/bert/index.js';
import { createCompactors } from '../../src-main/engine/methods/wid/compactors.js';
import { createWidMethod } from '../../src-main/engine/methods/wid/index.js';
import { maskedResidue } from '../../src-main/engine/methods/wid/masked-residue.js';
import { maskOverlap } from '../../src-main/engine/methods/wid/mask-overlap.js';
import { fullMasks, type WidMasks } from '../../src-main/engine/methods/wid/masks.js';
import { tinyConfig, tinyTeacher } from './support/tiny-teacher.js';

// tiny teacher: hidden 16 = 4 heads of 4, intermediate 32, 2 layers
const masked = (): WidMasks => ({
  residual: [0, 1, 2, 3, 4, 5, 6, 7],
  heads: [[0, 1], [2, 3]],
  headDims: [[[0, 1, 2, 3], [0, 1, 2, 3]], [[0, 1, 2, 3], [0, 1, 2, 3]]],
  intermediate: [Array.from({ length: 16 }, (_, i) => i), Array.from({ length: 16 }, (_, i) => 2 * i)],
});

test('masked residue: identity compactors with masked rows/columns report 1 (nothing decayed), and 0 with nothing masked', async () => {
  await selectBackend('wasm');
  const c = createCompactors(tinyConfig);
  const full = await maskedResidue(tinyConfig, c, fullMasks(tinyConfig));
  assert.equal(full.max, 0);
  assert.equal(full.maxMatrix, null);
  const r = await maskedResidue(tinyConfig, c, masked());
  assert.equal(Object.keys(r.perMatrix).length, Object.keys(c).length);
  for (const [k, v] of Object.entries(r.perMatrix)) assert.equal(v, 1, k);
  tf.dispose(Object.values(c));
});

test('masked residue is the largest |entry| in the masked rows of a row compactor, not in its kept rows', async () => {
  await selectBackend('wasm');
  const c = createCompactors(tinyConfig);
  const key = 'bert.encoder.layer.1.intermediate.dense.row';
  // layer 1 keeps the even FFN dims: put 0.5 on a kept row, -0.007 on a masked one
  const v = tf.buffer([32, 32], 'float32');
  v.set(0.5, 2, 0);
  v.set(-0.007, 3, 5);
  c[key].assign(v.toTensor());
  const r = await maskedResidue(tinyConfig, c, masked());
  assert.ok(Math.abs(r.perMatrix[key] - 0.007) < 1e-7, String(r.perMatrix[key]));
  // its column partner (output.dense.col) is still identity on its masked columns
  assert.equal(r.perMatrix['bert.encoder.layer.1.output.dense.col'], 1);
  tf.dispose(Object.values(c));
});

test('a WID run reports its masked residue for the export; previewMasks is what the schedule then applies', async () => {
  await selectBackend('wasm');
  const teacher = tinyTeacher(2);
  const m = createWidMethod({ config: tinyConfig, weights: teacher }, { target: { hidden: 8, heads: 2, intermediate: 16 }, variablePrefix: 'wid-hooks/', maskEvery: 0.25 });
  const first = m.firstMaskSizes();
  assert.ok(first.intermediate < 32 && first.intermediate > 16, JSON.stringify(first));
  const preview = await m.previewMasks(first);
  assert.deepEqual(m.masks(), fullMasks(tinyConfig), 'previewing applies nothing');
  // wStep = 0.25 * 8 = 2 steps: the first mask is applied after step index 1, from the same (untrained) compactors
  await m.afterStepAsync(1, 8);
  assert.deepEqual(m.masks(), preview);
  const report = await m.exportReport() as { maskedResidue: { schedule: string; max: number; perMatrix: Record<string, number> } };
  assert.equal(report.maskedResidue.schedule, 'authors');
  assert.equal(report.maskedResidue.max, 1, 'identity compactors: the masked diagonal has not decayed');
  m.dispose();
  disposeWeights(teacher);
});

test('mask overlap: the same masks share every masked dim; disjoint masked sets share none; chance is the masked fraction', () => {
  const a = masked();
  const same = maskOverlap(tinyConfig, a, a);
  for (const g of ['residual', 'heads', 'attention', 'intermediate'] as const) assert.equal(same[g].maskedOverlap, 1, g);
  assert.deepEqual(same.residual, { total: 16, masked: 8, maskedOverlap: 1, chance: 0.5 });
  const b: WidMasks = { ...a, residual: [8, 9, 10, 11, 12, 13, 14, 15], heads: [[2, 3], [2, 3]] };
  const o = maskOverlap(tinyConfig, b, a);
  assert.equal(o.residual.maskedOverlap, 0);
  // heads: layer 0 masked {2,3} in a, {0,1} in b -> none shared; layer 1 the same -> both shared: 2 of 4
  assert.equal(o.heads.maskedOverlap, 0.5);
  assert.equal(o.intermediate.maskedOverlap, 1);
});
