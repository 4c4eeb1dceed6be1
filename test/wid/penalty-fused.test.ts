// The authors' penalty in one webgpu dispatch per tensor (kernels/webgpu-wid-penalty.ts) against its tfjs ops
// (WID_FUSIONS=-wid-penalty), on SwiftShader: the gradient bit for bit; Adam's first moment within 1 ulp (a driver
// may contract m·0.9 + q into one fused multiply-add), untouched on a skipped step. The case list is in the child.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runOnSwiftShader, swiftshaderSkip } from '../support/swiftshader.js';

interface Row { gradUlps: number; momentUlps: number; leaked: number; momentChanged: boolean; fusedDispatches: number; plainDispatches: number }

test("the fused authors' penalty gives the tfjs ops' gradient bit for bit and their first moment within 1 ulp, on every mask axis, λ above and below 1, with and without the skip flag",
  { skip: swiftshaderSkip, timeout: 300_000 }, () => {
    const r = runOnSwiftShader<{ device: string; results: Record<string, Row> }>(fileURLToPath(new URL('./penalty-fused-swiftshader.ts', import.meta.url)), 280_000);
    assert.match(r.device, /swiftshader/i);
    assert.equal(Object.keys(r.results).length, 8);
    for (const [name, c] of Object.entries(r.results)) {
      const what = `${name}: ${JSON.stringify(c)}`;
      assert.equal(c.fusedDispatches, 1, `the fused kernel ran once: ${what}`);
      assert.equal(c.plainDispatches, 0, `WID_FUSIONS=-wid-penalty runs the tfjs ops: ${what}`);
      assert.equal(c.gradUlps, 0, what);
      assert.ok(c.momentUlps <= 1, what);
      assert.equal(c.leaked, 0, `no tensor left behind: ${what}`);
      // the moment takes the (λ−1) share only for λ > 1, and not on a skipped step
      const stays = name.endsWith('skip 1') || name.endsWith('no moment') || name.includes('λ 0.5');
      assert.equal(c.momentChanged, !stays, `the moment ${stays ? 'stays' : 'moves'}: ${what}`);
    }
  });
