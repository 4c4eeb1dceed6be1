import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { fileURLToPath } from 'node:url';
import { compareBatchedCompactors, type Comparison } from './support/batched-compactors-check.js';
import { runOnSwiftShader, swiftshaderSkip } from '../support/swiftshader.js';

// Tolerances (float32): effective weights, loss and gradients within 1e-5 of the largest entry; parameters after
// 5 AdamW steps at lr 1e-3 within 2e-5 relative and 1e-5 absolute (only the row-first clip norm differs at all,
// in rounding, which Adam's m/√v carries into the update: 5.3e-6 relative on SwiftShader, 1.0e-6 on cpu).
test('the batched compactor products, the untransposed C and the row-first clip norm give the per-linear step (cpu, both schedules)',
  { timeout: 240_000 }, async (t) => {
    await selectBackend('cpu');
    const r = (await compareBatchedCompactors()).off;
    t.diagnostic(JSON.stringify(r));
    for (const [schedule, paths] of Object.entries(r)) {
      for (const [path, c] of Object.entries(paths)) {
        const what = `${schedule} ${path}: ${JSON.stringify(c)}`;
        assert.ok(c.effective <= 1e-5 && c.loss <= 1e-5 && c.grads <= 1e-5, what);
        assert.ok(c.gradCount > 20, what);
        assert.ok(c.params <= 2e-5 && c.paramAbs <= 1e-5, what);
      }
    }
  });

const child = fileURLToPath(new URL('./batched-compactors-swiftshader.ts', import.meta.url));
interface SwiftShaderResult { device: string; eager: Record<string, Record<string, Comparison>>; replayed: Record<string, Record<string, Comparison>> }
let cached: SwiftShaderResult | undefined;
const onSwiftShader = () => (cached ??= runOnSwiftShader<SwiftShaderResult>(child, 1_100_000));

// webgpu: the same tolerances; the replayed steps (WID_CAPTURE=auto: recorded twice, then replayed) against the eager
// per-linear step from the same start
for (const which of ['eager', 'replayed'] as const) {
  test(`the batched compactor products give the per-linear step on webgpu (SwiftShader), ${which}`, { skip: swiftshaderSkip, timeout: 1_200_000 }, (t) => {
    const r = onSwiftShader();
    t.diagnostic(JSON.stringify(r[which]));
    assert.match(r.device, /swiftshader/i);
    for (const [schedule, paths] of Object.entries(r[which])) {
      for (const [path, c] of Object.entries(paths)) {
        const what = `${schedule} ${path}: ${JSON.stringify(c)}`;
        assert.ok(c.effective <= 1e-5 && c.loss <= 1e-5 && c.grads <= 1e-5, what);
        assert.ok(c.params <= 2e-5 && c.paramAbs <= 1e-5, what);
        if (which === 'replayed') assert.ok(c.replayed >= 1, `${what}: steps were replayed`);
      }
    }
  });
}
