import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const VULKAN_DIR = '/usr/lib/chromium';
const child = fileURLToPath(new URL('./webgpu-adamw-swiftshader.ts', import.meta.url));
const swiftshader = existsSync(ICD) && existsSync(`${VULKAN_DIR}/libvulkan.so.1`);

test('the single-dispatch webgpu AdamW step equals the float64 formula and the three-program path over two steps (odd sizes, decay, 2-D dispatch, profiled)',
  { skip: swiftshader ? false : 'SwiftShader (Debian chromium) not installed', timeout: 300_000 }, () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', child], {
      encoding: 'utf8', timeout: 280_000,
      env: { ...process.env, VK_ICD_FILENAMES: ICD, LD_LIBRARY_PATH: [VULKAN_DIR, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'), XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' },
    });
    const last = (r.stdout ?? '').trim().split('\n').pop() ?? '';
    assert.equal(r.status, 0, `child exited ${r.status} ${r.signal ?? ''}: ${last}\n${(r.stderr ?? '').slice(-2000)}`);
    const res = JSON.parse(last) as { device: string; cases: number; worst: number; worstVsThree: number; singleDispatches: number; failures: string[] };
    assert.match(res.device, /swiftshader/i);
    assert.deepEqual(res.failures, []);
    assert.equal(res.cases, 6 * 2 + 2 * 2); // every shape x decay, plus the 2-D and profiled runs of [4, 1000]
    assert.ok(res.worst <= 1e-5 && res.worstVsThree <= 1e-5);
  });
