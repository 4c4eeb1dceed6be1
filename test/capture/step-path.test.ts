import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeStepPath } from '../../src-main/engine/capture/step-path.js';

test('a run\'s step path reads as replayed with counts, or eager with the reason', () => {
  assert.equal(describeStepPath({ path: 'replay', reason: null, replayedSteps: 97, eagerSteps: 3, captures: 1 }),
    'replayed from a capture (97 of 100 steps, 1 capture)');
  assert.equal(describeStepPath({ path: 'eager', reason: 'backend wasm (capture needs webgpu)', replayedSteps: 0, eagerSteps: 4, captures: 0 }),
    'eager (backend wasm (capture needs webgpu))');
});
