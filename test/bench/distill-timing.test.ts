// bench distill times the steps reported after the warm-up's read: progress arrives in bursts (one per lagged read),
// every step of a burst stamped at the read, so timing from the warm-up step's stamp to the last one would count the
// rest of its burst as free steps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measuredSteps } from '../../bench/distill.js';

/** Steps 1..n read in bursts of 8, each burst 80 ms after the previous one (10 ms a step), stamps 0.01 ms apart. */
const bursts = (n: number) => Array.from({ length: n }, (_, i) => ({ step: i + 1, t: Math.ceil((i + 1) / 8) * 80 + (i % 8) * 0.01 }));

test('the clock starts at the end of the burst holding the warm-up\'s last step and counts only later steps', () => {
  const { start, measured } = measuredSteps(bursts(40), 4);
  assert.equal(start!.step, 8);
  assert.deepEqual([measured[0].step, measured.at(-1)!.step, measured.length], [9, 40, 32]);
  const ms = (measured.at(-1)!.t - start!.t) / measured.length;
  assert.ok(Math.abs(ms - 10) < 0.01, `${ms} ms a step, not 10`);
});

test('a warm-up ending on a burst boundary starts there; one step a burst is every step', () => {
  assert.equal(measuredSteps(bursts(40), 16).start!.step, 16);
  const single = Array.from({ length: 10 }, (_, i) => ({ step: i + 1, t: (i + 1) * 10 }));
  const { start, measured } = measuredSteps(single, 3);
  assert.equal(start!.step, 3);
  assert.equal(measured.length, 7);
});

test('no step after the warm-up\'s burst: nothing to time', () => {
  assert.deepEqual(measuredSteps(bursts(8), 4).measured, []);
  assert.equal(measuredSteps(bursts(8), 20).start, undefined);
});
