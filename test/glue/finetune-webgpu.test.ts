import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const VULKAN_DIR = '/usr/lib/chromium';
const child = fileURLToPath(new URL('./finetune-webgpu-swiftshader.ts', import.meta.url));
const swiftshader = existsSync(ICD) && existsSync(`${VULKAN_DIR}/libvulkan.so.1`);

test('MLM loss past 2^24 logits, GLUE fine-tuning, evaluation and efficiency run on webgpu (SwiftShader) without synchronous reads and match cpu',
  { skip: swiftshader ? false : 'SwiftShader (Debian chromium) not installed', timeout: 600_000 }, () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', child], {
      encoding: 'utf8', timeout: 580_000,
      env: { ...process.env, VK_ICD_FILENAMES: ICD, LD_LIBRARY_PATH: [VULKAN_DIR, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'), XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' },
    });
    const last = (r.stdout ?? '').trim().split('\n').pop() ?? '';
    assert.equal(r.status, 0, `child exited ${r.status} ${r.signal ?? ''}: ${last}\n${(r.stderr ?? '').slice(-3000)}`);
    type Run = { losses: number[]; scores: number[]; shapes: string[]; steps: number };
    const res = JSON.parse(last) as { mlmGpu: number; mlmRef: number; device: string; backend: string; gpu: Run; cpu: Run; gpuDropout: Run; cpuDropout: Run; maskMismatches: number; keptFraction: number; leaked: number; latency: number; efficiencyBackend: string };
    assert.equal(res.backend, 'webgpu');
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
