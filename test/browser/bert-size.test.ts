// The wizard checks explicit student sizes before asking the server; messages name the field and the value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sizeProblems } from '../../src-renderer/src/lib/bertSize.js';
import { PRESET_LABELS, acceptedPresets, presetOptions, type DistillMethod } from '../../src-renderer/src/lib/studentPresets.js';
import { METHOD_OPTION_SCHEMAS, STUDENT_PRESET_NAMES, WID_PRESETS } from '../../src-main/shared/api/method-options.js';

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

test('the wizard\'s presets are the schema\'s: one label per STUDENT_PRESET_NAMES entry, each method offered exactly what its schema accepts', () => {
  assert.deepEqual(Object.keys(PRESET_LABELS).sort(), [...STUDENT_PRESET_NAMES].sort(), 'labels keyed by the schema\'s preset names');
  for (const method of Object.keys(METHOD_OPTION_SCHEMAS) as DistillMethod[]) {
    const offered = presetOptions([method]);
    assert.deepEqual(offered.map((o) => o.value), acceptedPresets(method));
    for (const o of offered) {
      assert.ok(o.label, `${method}: ${o.value} has a label`);
      assert.equal(METHOD_OPTION_SCHEMAS[method].safeParse({ preset: o.value }).success, true, `${method}'s schema accepts ${o.value}`);
    }
    // and nothing the schema accepts is left out
    for (const name of STUDENT_PRESET_NAMES) {
      const accepts = METHOD_OPTION_SCHEMAS[method].safeParse({ preset: name }).success;
      assert.equal(offered.some((o) => o.value === name), accepts, `${method}: ${name} offered iff its schema accepts it`);
    }
  }
  assert.deepEqual(presetOptions(['wid']).map((o) => o.value), [...WID_PRESETS]);
  assert.deepEqual(presetOptions(['tinybert']).map((o) => o.value).slice(0, 2), ['tinybert-4l-312h', 'tinybert-6l-768h'], 'a method\'s own shapes first');
});
