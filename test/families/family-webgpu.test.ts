// ALBERT and MobileBERT on webgpu (SwiftShader): the MLM forward and fine-tuning steps of the tiny fixtures, and the
// `albert` / `mobilebert` methods' distillation steps, match the cpu backend; fine-tuning replays from the capture.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runOnSwiftShader, swiftshaderSkip } from '../support/swiftshader.js';

const child = fileURLToPath(new URL('./family-webgpu-swiftshader.ts', import.meta.url));

interface FixtureRun { family: string; logits: number[]; losses: number[]; path: string; reason: string | null; replayed: number; leaked: number }
type Side = { backend: string; device: string; runs: FixtureRun[]; methods: Record<string, { losses: number[]; path: string }> };

test('ALBERT and MobileBERT: fixture forward and training steps, and the two methods\' distillation steps, on webgpu (SwiftShader) match cpu',
  { skip: swiftshaderSkip, timeout: 600_000 }, () => {
    const { gpu, cpu } = runOnSwiftShader<{ gpu: Side; cpu: Side }>(child, 580_000);
    assert.equal(gpu.backend, 'webgpu');
    assert.match(gpu.device, /swiftshader/i);
    assert.equal(cpu.backend, 'cpu');
    assert.deepEqual(gpu.runs.map((r) => r.family), ['albert', 'mobilebert']);
    for (let f = 0; f < gpu.runs.length; f++) {
      const g = gpu.runs[f], c = cpu.runs[f];
      const name = `${g.family} #${f}`;
      assert.equal(g.logits.length, c.logits.length);
      const maxDiff = g.logits.reduce((m, v, i) => Math.max(m, Math.abs(v - c.logits[i])), 0);
      assert.ok(maxDiff < 1e-3, `${name}: MLM logits differ by ${maxDiff}`);
      assert.ok(g.logits.some((v) => v !== 0), `${name}: logits are not all zero`);
      assert.equal(g.losses.length, 4, `${name}: 4 training steps`);
      assert.ok(g.losses.every(Number.isFinite));
      // step 1's loss is before any update; steps 2-4 carry the updates, so they check the backward pass and AdamW
      for (let i = 0; i < c.losses.length; i++) assert.ok(Math.abs(g.losses[i] - c.losses[i]) < 1e-3, `${name} step ${i + 1}: ${g.losses[i]} vs ${c.losses[i]}`);
      assert.notEqual(g.losses[3], g.losses[0], `${name}: the steps change the model`);
      assert.equal(g.path, 'replay', `${name}: training steps replayed from the capture (${g.reason})`);
      assert.equal(g.leaked, 0, `${name}: no tensors left behind`);
    }
    for (const m of ['albert', 'mobilebert']) {
      const g = gpu.methods[m].losses, c = cpu.methods[m].losses;
      assert.equal(g.length, 4, `${m}: 4 distillation steps`);
      for (let i = 0; i < c.length; i++) assert.ok(Math.abs(g[i] - c[i]) < 1e-3 * Math.max(1, Math.abs(c[i])), `${m} step ${i + 1}: ${g[i]} vs ${c[i]}`);
    }
    assert.equal(gpu.methods.albert.path, 'replay', 'the ALBERT distillation step replays from the capture');
  });
