// The wizard shows a student's parameter count before launch; it must match Hugging Face's BertModel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SIZE_PRESETS, bertParameterCount, sizeProblems } from '../../src-renderer/src/lib/bertSize.js';

test('BERT-base size gives the 109,482,240 parameters of HF bert-base-uncased BertModel', () => {
  assert.equal(bertParameterCount(SIZE_PRESETS['BERT-base (teacher size)']), 109_482_240);
});

test('a hidden size not divisible by the head count is reported naming both values', () => {
  assert.deepEqual(sizeProblems({ layers: 4, hidden: 300, heads: 7, intermediate: 1200 }), [
    'hidden (300) must be divisible by heads (7)',
  ]);
});

test('a non-positive size field is reported naming the field', () => {
  assert.match(sizeProblems({ layers: 0, hidden: 64, heads: 2, intermediate: 128 })[0], /^layers must be a positive whole number/);
});
