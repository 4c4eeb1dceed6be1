// Dawn instance options and tfjs-webgpu flags that decide how fast the webgpu backend runs.
// select.ts passes webgpuCreateOptions() to the `webgpu` package's create() and calls
// applyWebgpuFlags() before the backend starts; the benchmarks override both through env so
// each setting can be measured on its own (docs/performance.md has the numbers).
import * as tf from '@tensorflow/tfjs';

/**
 * Dawn toggles. Validation is for untrusted web content; the workbench runs its own shaders. Lazy
 * clearing zero-fills each new buffer on first use, which tfjs does not need because every output
 * buffer is fully written. Robustness (bounds clamping of storage accesses) stays ON: with
 * `disable_robustness` a tiny BERT's gradients came out NaN on SwiftShader once the fused LayerNorm
 * kernels changed the buffer layout, i.e. some kernel reads out of bounds and relies on the clamp
 * (docs/performance.md).
 */
export const DEFAULT_DAWN_OPTIONS: readonly string[] = [
  'enable-dawn-features=allow_unsafe_apis,skip_validation,disable_lazy_clear_for_mapped_at_creation,disable_workgroup_init',
  'disable-dawn-features=lazy_clear_resource_on_first_use,timestamp_quantization',
];

/**
 * Options for `create()` of the `webgpu` package. Env WID_DAWN_OPTIONS replaces the defaults:
 * entries separated by ';' (each entry is `enable-dawn-features=a,b` style), "none" = no options.
 */
export function webgpuCreateOptions(env: NodeJS.ProcessEnv = process.env): string[] {
  const raw = env.WID_DAWN_OPTIONS;
  if (raw === undefined) return [...DEFAULT_DAWN_OPTIONS];
  if (raw.trim() === '' || raw.trim() === 'none') return [];
  return raw.split(';').map((s) => s.trim()).filter(Boolean);
}

/** tfjs-webgpu flags the workbench sets by default; env WID_TFJS_FLAGS='NAME=value;NAME=value' adds/overrides. */
// Empty on purpose: WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE=64 (vs tfjs' 15) measured slower on the H100
// (BERT-base step 2400 vs 2199 ms; docs/performance.md): the GPU idles while bigger batches are recorded.
export const DEFAULT_TFJS_WEBGPU_FLAGS: Readonly<Record<string, number | boolean>> = {};

export function parseFlagList(raw: string): Record<string, number | boolean> {
  const out: Record<string, number | boolean> = {};
  for (const part of raw.split(';').map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`WID_TFJS_FLAGS entry "${part}" must look like NAME=value`);
    const name = part.slice(0, eq).trim(), value = part.slice(eq + 1).trim();
    if (value === 'true' || value === 'false') out[name] = value === 'true';
    else if (Number.isFinite(Number(value))) out[name] = Number(value);
    else throw new Error(`WID_TFJS_FLAGS entry "${part}": value must be a number, true or false`);
  }
  return out;
}

/** Sets the tfjs-webgpu flags (defaults, then WID_TFJS_FLAGS); WID_TFJS_FLAGS=none keeps tfjs' own defaults. */
export function applyWebgpuFlags(env: NodeJS.ProcessEnv = process.env): Record<string, number | boolean> {
  const raw = env.WID_TFJS_FLAGS ?? '';
  const flags = raw.trim() === 'none' ? {} : { ...DEFAULT_TFJS_WEBGPU_FLAGS, ...parseFlagList(raw) };
  for (const [name, value] of Object.entries(flags)) tf.env().set(name, value);
  return flags;
}
