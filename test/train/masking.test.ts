import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskTokens, IGNORE_LABEL } from '../../src-main/engine/train/masking.js';
import { Rng } from '../../src-main/engine/train/rng.js';

const OPTS = { maskTokenId: 4, vocabSize: 1000, specialTokenIds: [0, 1, 2, 3, 4] };

test('about 15% of ordinary tokens are chosen, split 80% [MASK] / 10% random / 10% unchanged', () => {
  const n = 200_000;
  const ids = new Int32Array(n).map((_, i) => 5 + (i % 995));
  const mask = new Int32Array(n).fill(1);
  const { inputIds, labels, maskedCount } = maskTokens(ids, mask, new Rng(1), OPTS);
  let chosen = 0, toMask = 0, kept = 0, random = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] === IGNORE_LABEL) {
      assert.equal(inputIds[i], ids[i]);
      continue;
    }
    chosen++;
    assert.equal(labels[i], ids[i]);
    if (inputIds[i] === 4) toMask++;
    else if (inputIds[i] === ids[i]) kept++;
    else random++;
  }
  assert.equal(chosen, maskedCount);
  // binomial sd at n=200k, p=0.15 is ~160 tokens (0.08%); the tolerances are several sd wide
  assert.ok(Math.abs(chosen / n - 0.15) < 0.005, `chosen ${chosen / n}`);
  assert.ok(Math.abs(toMask / chosen - 0.8) < 0.01, `mask ${toMask / chosen}`);
  // a random draw equal to the original counts as kept: expected ~0.1 + 0.1/995
  assert.ok(Math.abs(kept / chosen - 0.1) < 0.01, `kept ${kept / chosen}`);
  assert.ok(Math.abs(random / chosen - 0.1) < 0.01, `random ${random / chosen}`);
});

test('special tokens and padding are never masked and random replacements are never special', () => {
  const rows = 2000, width = 16;
  const ids = new Int32Array(rows * width), mask = new Int32Array(rows * width);
  for (let r = 0; r < rows; r++) {
    const len = 4 + (r % 12);
    for (let c = 0; c < width; c++) {
      const i = r * width + c;
      if (c >= len) { ids[i] = 0; continue; }
      mask[i] = 1;
      ids[i] = c === 0 ? 2 : c === len - 1 ? 3 : c === 2 ? 1 : 5 + ((r * 31 + c) % 995);
    }
  }
  const { inputIds, labels } = maskTokens(ids, mask, new Rng(9), OPTS);
  for (let i = 0; i < ids.length; i++) {
    if (OPTS.specialTokenIds.includes(ids[i]) || mask[i] === 0) {
      assert.equal(labels[i], IGNORE_LABEL, `position ${i} (id ${ids[i]}) was chosen`);
      assert.equal(inputIds[i], ids[i]);
    } else if (labels[i] !== IGNORE_LABEL && inputIds[i] !== 4) {
      assert.ok(!OPTS.specialTokenIds.includes(inputIds[i]), `random replacement ${inputIds[i]} is special`);
    }
  }
});

test('the same rng state gives the same masks', () => {
  const ids = new Int32Array(500).map((_, i) => 5 + i), mask = new Int32Array(500).fill(1);
  const a = maskTokens(ids, mask, new Rng(5), OPTS), b = maskTokens(ids, mask, new Rng(5), OPTS);
  assert.deepEqual(a.inputIds, b.inputIds);
  assert.deepEqual(a.labels, b.labels);
});

test('a short sequence always gets at least one masked token', () => {
  for (let seed = 0; seed < 50; seed++) {
    const { maskedCount, labels } = maskTokens(Int32Array.from([2, 7, 3]), Int32Array.from([1, 1, 1]), new Rng(seed), OPTS);
    assert.equal(maskedCount, 1);
    assert.equal(labels[1], 7);
  }
});
