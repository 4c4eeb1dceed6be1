import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runOnSwiftShader, swiftshaderSkip } from '../support/swiftshader.js';

const child = fileURLToPath(new URL('./finetune-webgpu-swiftshader.ts', import.meta.url));

test('WID on a stored tied decoder, MLM loss past 2^24 logits, GLUE fine-tuning, evaluation and efficiency run on webgpu (SwiftShader) without synchronous reads and match cpu',
  { skip: swiftshaderSkip, timeout: 600_000 }, () => {
    type Run = { losses: number[]; scores: number[]; shapes: string[]; steps: number };
    const res = runOnSwiftShader<{ tiedDecoderChecked: boolean; mlmGpu: number; mlmRef: number; device: string; backend: string; gpu: Run; cpu: Run; gpuDropout: Run; cpuDropout: Run; maskMismatches: number; keptFraction: number; leaked: number; latency: number; efficiencyBackend: string }>(child, 580000);
    assert.equal(res.backend, 'webgpu');
    assert.equal(res.tiedDecoderChecked, true, 'WID accepts a stored tied decoder on webgpu (no synchronous read of computed data)');
    assert.ok(Math.abs(res.mlmGpu - res.mlmRef) < 1e-3, `MLM loss on webgpu ${res.mlmGpu} vs float64 reference ${res.mlmRef} (tokens × vocab > 2^24)`);
    assert.match(res.device, /swiftshader/i);
    // every step reported once, in order, with a finite loss
    assert.equal(res.gpu.losses.length, res.gpu.steps);
    assert.equal(res.gpu.steps, 6);
    assert.ok(res.gpu.losses.every(Number.isFinite));
    // bounded shapes: training batches land in length buckets, evaluation at one batch size
    assert.ok(res.gpu.shapes.every((s) => /^(train \d+x(16|32|48)|eval 16x(16|32|48))$/.test(s)), res.gpu.shapes.join(', '));
    // same seed, dropout off: webgpu follows cpu step for step
    for (let i = 0; i < res.cpu.losses.length; i++) assert.ok(Math.abs(res.gpu.losses[i] - res.cpu.losses[i]) < 1e-3, `step ${i + 1}: ${res.gpu.losses[i]} vs ${res.cpu.losses[i]}`);
    assert.deepEqual(res.gpu.scores, res.cpu.scores);
    // dropout on: the mask is drawn on the device, the same as wasm's for the same seed, so the runs still agree
    assert.equal(res.maskMismatches, 0, 'webgpu dropout mask = JavaScript hash');
    assert.ok(Math.abs(res.keptFraction - 0.9) < 0.005, `kept ${res.keptFraction}`);
    for (let i = 0; i < res.cpuDropout.losses.length; i++) assert.ok(Math.abs(res.gpuDropout.losses[i] - res.cpuDropout.losses[i]) < 1e-3, `dropout step ${i + 1}: ${res.gpuDropout.losses[i]} vs ${res.cpuDropout.losses[i]}`);
    assert.notDeepEqual(res.gpuDropout.losses, res.gpu.losses, 'dropout changes the losses');
    assert.ok(res.latency > 0);
    assert.equal(res.efficiencyBackend, 'webgpu');
    assert.equal(res.leaked, 0, 'a second fine-tune leaves no tensors behind');
  });
