// The wizard checks explicit student sizes before asking the server; messages name the field and the value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sizeProblems } from '../../src-renderer/src/lib/bertSize.js';
import { presetOptions } from '../../src-renderer/src/lib/studentPresets.js';

test('a hidden size not divisible by the head count is reported naming both values', () => {
  assert.deepEqual(sizeProblems({ layers: 4, hidden: 300, heads: 7, intermediate: 1200 }), [
    'hidden (300) must be divisible by heads (7)',
  ]);
});

test('a non-positive size field is reported naming the field', () => {
  assert.match(sizeProblems({ layers: 0, hidden: 64, heads: 2, intermediate: 128 })[0], /^layers must be a positive whole number/);
});

test('WID and a compare group are offered only the presets that keep the teacher\'s depth', () => {
  assert.deepEqual(presetOptions(['wid']).map((o) => o.value), ['wid55', 'wid11']);
  assert.deepEqual(presetOptions(['wid', 'distilbert', 'tinybert']).map((o) => o.value), ['wid55', 'wid11']);
  assert.ok(presetOptions(['distilbert']).some((o) => o.value === 'distilbert'));
});
