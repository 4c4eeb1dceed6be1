// The run page's "Training step" fact: the step path and the precision a run's result records, in wid show's words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { precisionText, stepPathText } from '../../src-renderer/src/lib/trainingStep.js';

test('the step path reads "replayed (n of m steps)" or "eager (why)", and nothing for a result without one', () => {
  assert.equal(stepPathText({ trainingStep: { path: 'replay', reason: null, replayedSteps: 97, eagerSteps: 3, captures: 1 } }), 'replayed (97 of 100 steps)');
  assert.equal(stepPathText({ trainingStep: { path: 'eager', reason: 'backend wasm (capture needs webgpu)', replayedSteps: 0, eagerSteps: 4 } }), 'eager (backend wasm (capture needs webgpu))');
  assert.equal(stepPathText({ steps: 4 }), null);
  assert.equal(stepPathText(null), null);
});

test('the precision reads fp32 or f16-tc, with dynamic loss scaling and its skipped steps where it was on', () => {
  assert.equal(precisionText({ precision: 'fp32', lossScaling: { mode: 'off', scale: null, skippedSteps: 0 } }), 'fp32');
  assert.equal(precisionText({ precision: 'f16-tc', lossScaling: { mode: 'dynamic', scale: 32768, skippedSteps: 2 } }), 'f16-tc, dynamic loss scaling (2 steps skipped)');
  assert.equal(precisionText({ precision: 'f16-tc', lossScaling: { mode: 'dynamic', scale: 65536, skippedSteps: 1 } }), 'f16-tc, dynamic loss scaling (1 step skipped)');
  // a fine-tune records the mode at the top level (each task its own summary)
  assert.equal(precisionText({ precision: 'f16-tc', lossScaling: 'dynamic' }), 'f16-tc, dynamic loss scaling');
  assert.equal(precisionText({ precision: 'fp32' }), 'fp32');
  assert.equal(precisionText({ steps: 3 }), null);
});
