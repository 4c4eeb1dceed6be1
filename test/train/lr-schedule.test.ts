import { test } from 'node:test';
import assert from 'node:assert/strict';
import { learningRateAt } from '../../src-main/engine/train/lr-schedule.js';

test('learning rate rises linearly during warm-up then decays linearly to zero', () => {
  assert.equal(learningRateAt(0, 1, 4, 12), 0.25);
  assert.equal(learningRateAt(3, 1, 4, 12), 1);
  assert.equal(learningRateAt(4, 1, 4, 12), 1);
  assert.equal(learningRateAt(8, 1, 4, 12), 0.5);
  assert.equal(learningRateAt(12, 1, 4, 12), 0);
});
