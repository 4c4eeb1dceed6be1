// Picks the fastest tfjs backend that actually works on this machine.
// Order: tfjs-node-gpu, tfjs-node (optional native packages), webgpu (Dawn via the
// `webgpu` npm package, only when an adapter exists), wasm, cpu.
import * as tf from '@tensorflow/tfjs';
import os from 'node:os';
import { applyWebgpuFlags, webgpuCreateOptions } from '../kernels/webgpu-tuning.js';
import { registerWebgpuKernels } from '../kernels/webgpu-kernels.js';
import { trackPipelines } from '../kernels/pipeline-stats.js';
import { installReductionGradients } from '../kernels/reduction-gradients.js';
import { registerWasmMatMul } from '../kernels/wasm-matmul.js';
import { disableTensorCores, enableTensorCores, measureSubgroupSize, requestTensorCoreFeatures, withTensorCoreToggles } from '../kernels/webgpu-tensor-cores.js';
import { tensorCoreCompileCheck, tensorCoreMatMulRegistered } from '../kernels/webgpu-matmul-subgroup.js';
import { tensorCoreSelfCheck } from '../kernels/tensor-core-self-check.js';

export type BackendPreference = 'auto' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
export interface SelectedBackend { name: string; device: string }
export interface BackendProbe { name: string; available: boolean; reason?: string }

const PREFERENCES: BackendPreference[] = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'];

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0] : String(err);
}

// Dynamic import through a variable so bundlers and tsc do not require the optional package.
async function importOptional(name: string): Promise<unknown> {
  const spec = name;
  return import(spec);
}

async function tryTensorflow(): Promise<SelectedBackend> {
  const errors: string[] = [];
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await importOptional(pkg);
      if (await tf.setBackend('tensorflow')) {
        return { name: 'tensorflow', device: pkg.endsWith('gpu') ? 'TensorFlow native (CUDA)' : 'TensorFlow native (CPU)' };
      }
      errors.push(`${pkg}: setBackend('tensorflow') returned false`);
    } catch (err) {
      errors.push(`${pkg}: ${reasonOf(err)}`);
    }
  }
  throw new Error(`tensorflow backend unavailable (${errors.join('; ')})`);
}

let webgpuInstalled = false;
async function installWebgpuGlobals(): Promise<GPUAdapter> {
  const mod = (await importOptional('webgpu')) as { create: (opts: string[]) => GPU; globals: object };
  const g = globalThis as unknown as { navigator?: { gpu?: GPU } };
  if (!webgpuInstalled) {
    Object.assign(globalThis, mod.globals);
    if (!g.navigator) (globalThis as Record<string, unknown>).navigator = {};
    // Dawn toggles: kernels/webgpu-tuning.ts, plus those tensor cores need (kernels/webgpu-tensor-cores.ts)
    const gpu = mod.create(withTensorCoreToggles(webgpuCreateOptions()));
    requestTensorCoreFeatures(gpu as never); // tfjs' requestDevice also asks for f16 and subgroup matrices where offered
    (g.navigator as { gpu?: GPU }).gpu = gpu;
    webgpuInstalled = true;
  }
  const adapter = await g.navigator!.gpu!.requestAdapter();
  if (!adapter) throw new Error('navigator.gpu.requestAdapter() returned null (no WebGPU adapter)');
  return adapter;
}

async function tryWebgpu(): Promise<SelectedBackend> {
  const adapter = await installWebgpuGlobals();
  // literal specifier (a regular dependency) so bundlers include it, like the wasm backend below
  await import('@tensorflow/tfjs-backend-webgpu');
  applyWebgpuFlags(); // tfjs-webgpu flags: kernels/webgpu-tuning.ts
  if (!(await tf.setBackend('webgpu'))) throw new Error("setBackend('webgpu') returned false");
  registerWebgpuKernels(); // faster kernels over tfjs' ones: kernels/webgpu-kernels.ts
  // f16 tensor cores for matmulPrecision 'f16-tc', where the device got the features (kernels/webgpu-tensor-cores.ts)
  const device = (tf.backend() as unknown as { device: GPUDevice }).device;
  trackPipelines(device);
  try {
    if (!tensorCoreMatMulRegistered()) disableTensorCores('WID_WEBGPU_KERNELS leaves the tensor-core matmul out');
    else {
      // the numeric self-check, except on Dawn's null backend (WID_TC_ASSUME), which computes nothing;
      // WID_TC_SELF_CHECK=off lets gpu-tc-check measure a kernel that fails it
      const check = !process.env.WID_TC_ASSUME && process.env.WID_TC_SELF_CHECK !== 'off';
      let failed: string | null = null;
      await enableTensorCores(device, (st) => tensorCoreCompileCheck(device, st), process.env, () => measureSubgroupSize(device),
        check ? async () => (failed = await tensorCoreSelfCheck()) : undefined);
      if (failed) console.warn(`tensor cores: not enabled (${failed})`);
    }
  } catch (err) {
    console.warn(`tensor cores: not enabled (${reasonOf(err)})`);
  }
  const info = (adapter as unknown as { info?: { vendor?: string; architecture?: string; device?: string; description?: string } }).info;
  const desc = info ? [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') : '';
  return { name: 'webgpu', device: `WebGPU (${desc || 'adapter'})` };
}

async function tryWasm(): Promise<SelectedBackend> {
  const wasm = (await import('@tensorflow/tfjs-backend-wasm')) as typeof import('@tensorflow/tfjs-backend-wasm');
  const threads = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  try { wasm.setThreadsCount(threads); } catch { /* only allowed before first init */ }
  if (!(await tf.setBackend('wasm'))) throw new Error("setBackend('wasm') returned false");
  registerWasmMatMul(); // transposes before the product: kernels/wasm-matmul.ts
  return { name: 'wasm', device: `CPU (wasm, ${threads} threads)` };
}

async function tryCpu(): Promise<SelectedBackend> {
  if (!(await tf.setBackend('cpu'))) throw new Error("setBackend('cpu') returned false");
  return { name: 'cpu', device: 'CPU (pure JavaScript)' };
}

const ATTEMPTS: Record<Exclude<BackendPreference, 'auto'>, () => Promise<SelectedBackend>> = {
  tensorflow: tryTensorflow, webgpu: tryWebgpu, wasm: tryWasm, cpu: tryCpu,
};

/** Selects and activates a backend. `pref` (or env WID_BACKEND) forces one; 'auto' falls through the order. */
export async function selectBackend(pref?: BackendPreference): Promise<SelectedBackend> {
  const wanted = (pref ?? (process.env.WID_BACKEND as BackendPreference | undefined) ?? 'auto');
  installReductionGradients(); // Sum/Mean gradients without CPU ones(): kernels/reduction-gradients.ts
  if (!PREFERENCES.includes(wanted)) {
    throw new Error(`backend preference "${wanted}" is not one of ${PREFERENCES.join(', ')}`);
  }
  if (wanted !== 'auto') {
    const selected = await ATTEMPTS[wanted]();
    await tf.ready();
    return selected;
  }
  const failures: string[] = [];
  for (const name of ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const) {
    try {
      const selected = await ATTEMPTS[name]();
      await tf.ready();
      return selected;
    } catch (err) {
      failures.push(`${name}: ${reasonOf(err)}`);
    }
  }
  throw new Error(`no tfjs backend could be started (${failures.join('; ')})`);
}

/** Cheap availability check for the UI; does not change the active backend. */
export async function probeBackends(): Promise<BackendProbe[]> {
  const probes: BackendProbe[] = [];
  const nativeErrors: string[] = [];
  let nativeOk = false;
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try { await import.meta.resolve?.(pkg); await importOptional(pkg); nativeOk = true; break; }
    catch (err) { nativeErrors.push(`${pkg}: ${reasonOf(err)}`); }
  }
  probes.push(nativeOk ? { name: 'tensorflow', available: true } : { name: 'tensorflow', available: false, reason: nativeErrors.join('; ') });
  try { await installWebgpuGlobals(); probes.push({ name: 'webgpu', available: true }); }
  catch (err) { probes.push({ name: 'webgpu', available: false, reason: reasonOf(err) }); }
  try { await import('@tensorflow/tfjs-backend-wasm'); probes.push({ name: 'wasm', available: true }); }
  catch (err) { probes.push({ name: 'wasm', available: false, reason: reasonOf(err) }); }
  probes.push({ name: 'cpu', available: true });
  return probes;
}
