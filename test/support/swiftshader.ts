// Runs a test's child script on the webgpu backend over SwiftShader (software Vulkan shipped with Debian's
// chromium). libvulkan must be on LD_LIBRARY_PATH before the process starts, hence a child process. The child
// prints one JSON line last; this returns it parsed, after asserting the child exited 0.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const VULKAN_DIR = '/usr/lib/chromium';

/** `false` when SwiftShader is there, else the reason to skip (node:test's `skip` option). */
export const swiftshaderSkip: false | string = existsSync(ICD) && existsSync(`${VULKAN_DIR}/libvulkan.so.1`)
  ? false : 'SwiftShader (Debian chromium) not installed';

export function runOnSwiftShader<T>(childFile: string, timeoutMs: number): T {
  const r = spawnSync(process.execPath, ['--import', 'tsx', childFile], {
    encoding: 'utf8', timeout: timeoutMs,
    env: { ...process.env, VK_ICD_FILENAMES: ICD, LD_LIBRARY_PATH: [VULKAN_DIR, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'), XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' },
  });
  const last = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  assert.equal(r.status, 0, `child exited ${r.status} ${r.signal ?? ''}: ${last}\n${(r.stderr ?? '').slice(-3000)}`);
  return JSON.parse(last) as T;
}
