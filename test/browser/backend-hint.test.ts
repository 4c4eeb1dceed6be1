// The backend picker explains a missing native backend as "not installed" with the command, not a loader error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backendHint } from '../../src-renderer/src/lib/backendHint.js';

test('a missing tfjs-node(-gpu) package reads as "not installed" with the npm command', () => {
  const reason = "@tensorflow/tfjs-node-gpu: Cannot find package '@tensorflow/tfjs-node-gpu' imported from /app/x.js; @tensorflow/tfjs-node: Cannot find package '@tensorflow/tfjs-node' imported from /app/x.js";
  const hint = backendHint({ name: 'tensorflow', available: false, reason });
  assert.match(hint, /^not installed — optional: run "npm install @tensorflow\/tfjs-node-gpu"/);
  assert.ok(!hint.includes('imported from'));
  assert.equal(backendHint({ name: 'wasm', available: true }), '');
  assert.match(backendHint({ name: 'webgpu', available: false, reason: 'no adapter' }), /no WebGPU adapter here \(no adapter\)/);
});
