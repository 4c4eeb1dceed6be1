import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runOnSwiftShader, swiftshaderSkip } from '../support/swiftshader.js';

const child = fileURLToPath(new URL('./webgpu-adamw-swiftshader.ts', import.meta.url));

test('the single-dispatch webgpu AdamW step equals the float64 formula and the three-program path over two steps (odd sizes, decay, 2-D dispatch, profiled)',
  { skip: swiftshaderSkip, timeout: 300_000 }, () => {
    const res = runOnSwiftShader<{ device: string; cases: number; worst: number; worstVsThree: number; singleDispatches: number; failures: string[] }>(child, 280000);
    assert.match(res.device, /swiftshader/i);
    assert.deepEqual(res.failures, []);
    assert.equal(res.cases, 6 * 2 + 2 * 2); // every shape x decay, plus the 2-D and profiled runs of [4, 1000]
    assert.ok(res.worst <= 1e-5 && res.worstVsThree <= 1e-5);
  });
