import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runOnSwiftShader, swiftshaderSkip } from '../support/swiftshader.js';

const child = fileURLToPath(new URL('./cross-entropy-swiftshader.ts', import.meta.url));

test('the fused webgpu cross-entropy gives the masked-LM loss and gradient of the cpu backend, ignored rows getting none',
  { skip: swiftshaderSkip, timeout: 300_000 }, () => {
    const r = runOnSwiftShader<{ device: string; fused: boolean; lossGpu: number; lossCpu: number; gradRel: number; ignoredRowsZero: boolean }>(child, 280_000);
    assert.match(r.device, /swiftshader/i);
    assert.ok(r.fused, 'the fused kernels are registered on webgpu');
    assert.ok(Math.abs(r.lossGpu - r.lossCpu) <= 1e-5 * Math.abs(r.lossCpu), `${r.lossGpu} vs ${r.lossCpu}`);
    assert.ok(r.gradRel <= 1e-5, `gradient relative error ${r.gradRel}`);
    assert.ok(r.ignoredRowsZero);
  });
