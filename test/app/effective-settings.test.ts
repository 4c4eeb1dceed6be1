import { test } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveSettings } from '../../src-main/app/service/effective-settings.js';

const base = { teacherPath: 'test/fixtures/bert/tiny-teacher', corpusPath: 'test/fixtures/corpus/pride-and-prejudice.txt', steps: 10, seed: 1, preset: 'wid55' };

test('a run\'s effective settings show each method\'s published defaults (what wid show --json and the group page print)', () => {
  const wid = effectiveSettings({ method: 'wid', config: base });
  assert.equal(wid.lr, 5e-5);
  const widOpts = wid.methodOptions as Record<string, unknown>;
  assert.equal(widOpts.objective, 'mlm', 'the paper\'s hard MLM loss');
  assert.equal(widOpts.schedule, 'authors');
  assert.equal(widOpts.teacherLr, 1e-6);
  assert.equal(widOpts.dropout, 0.1);
  const db = effectiveSettings({ method: 'distilbert', config: base });
  assert.equal(db.lr, 5e-4);
  assert.equal(db.clipNorm, 5);
  assert.equal(db.weightDecay, 0);
  assert.deepEqual((db.methodOptions as Record<string, unknown>).alpha, { ce: 5, mlm: 2, cos: 1 });
  const tb = effectiveSettings({ method: 'tinybert', config: base });
  assert.equal(((tb.methodOptions as Record<string, unknown>).weights as Record<string, number>).prediction, 0, 'general distillation: no prediction-layer term');
  // a user's override wins over the published default
  assert.equal(effectiveSettings({ method: 'wid', config: { ...base, lr: 1e-3, wid: { objective: 'kd' } } }).lr, 1e-3);
  assert.equal((effectiveSettings({ method: 'wid', config: { ...base, wid: { objective: 'kd' } } }).methodOptions as Record<string, unknown>).objective, 'kd');
  // a config that no longer parses is shown as stored
  assert.deepEqual(effectiveSettings({ method: 'wid', config: { steps: 'x' } }), { steps: 'x' });
});
