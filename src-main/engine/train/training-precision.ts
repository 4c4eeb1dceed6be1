// A training job's precision, decided once before its first step: the `precision` setting ('auto' = f16-tc where the
// webgpu device has tensor cores, else fp32) becomes the process' matmul precision (kernels/matmul-precision.ts),
// and `lossScaling` ('auto' = dynamic exactly when the step runs in f16-tc) the loop's loss scaler
// (train/loss-scale.ts). Weights, gradients and Adam's state stay fp32 either way. The run records what was used.
import { ConfigError } from '../config/config-error.js';
import { setMatmulPrecision, tensorCoresAvailable, type MatmulPrecision } from '../kernels/matmul-precision.js';
import type { LossScalingMode } from './loss-scale.js';

export type PrecisionSetting = 'auto' | MatmulPrecision;
export type LossScalingSetting = 'auto' | LossScalingMode;

/** What a run trained with, as its result records it (`precision` beside `trainingStep`). */
export interface TrainingPrecision { precision: MatmulPrecision; lossScaling: LossScalingMode }

/** The precision a setting stands for on this process' backend; f16-tc where it cannot run is a ConfigError naming the field. */
export function resolvePrecision(setting: PrecisionSetting | undefined, backendName: string): MatmulPrecision {
  const s = setting ?? 'auto';
  if (s === 'auto') return tensorCoresAvailable() ? 'f16-tc' : 'fp32';
  if (s === 'fp32') return 'fp32';
  if (s === 'f16-tc') {
    if (!tensorCoresAvailable()) {
      throw new ConfigError(`precision: "f16-tc" needs a webgpu device with shader-f16 and subgroup matrices (tensor cores); ` +
        `this run's backend (${backendName}) has none. Use "auto" (the fastest this machine has) or "fp32"`);
    }
    return 'f16-tc';
  }
  throw new ConfigError(`precision: expected one of auto, fp32, f16-tc, got ${JSON.stringify(s)}`);
}

/** Backends that can never run f16-tc (it needs webgpu's subgroup matrices); 'auto' and 'webgpu' are decided on the worker's device. */
const NO_TENSOR_CORES = ['cpu', 'wasm', 'tensorflow'];

/**
 * The request-time check (a job's parseConfig, so the service answers 400 and the CLI exits 2): precision f16-tc with a
 * backend that has no tensor cores at all. Whether a webgpu device has them is known only on the worker (resolvePrecision).
 */
export function checkPrecisionBackend(c: { precision?: string; backend?: string }): void {
  if (c.precision === 'f16-tc' && c.backend && NO_TENSOR_CORES.includes(c.backend)) {
    throw new ConfigError(`precision: "f16-tc" runs on webgpu only (f16 subgroup-matrix tiles on tensor cores); backend "${c.backend}" has none. ` +
      'Use "auto" (the fastest this machine has) or "fp32", or backend "webgpu" or "auto"');
  }
}

/** Loss scaling for a setting: 'auto' is dynamic exactly when the step runs in f16-tc. */
export function resolveLossScaling(setting: LossScalingSetting | undefined, precision: MatmulPrecision): LossScalingMode {
  const s = setting ?? 'auto';
  if (s === 'auto') return precision === 'f16-tc' ? 'dynamic' : 'off';
  if (s === 'off' || s === 'dynamic') return s;
  throw new ConfigError(`lossScaling: expected one of auto, off, dynamic, got ${JSON.stringify(s)}`);
}

/** Resolves both settings and sets the process' matmul precision; call after the backend is selected, before training. */
export function applyTrainingPrecision(c: { precision?: PrecisionSetting; lossScaling?: LossScalingSetting }, backendName: string): TrainingPrecision {
  const precision = resolvePrecision(c.precision, backendName);
  const lossScaling = resolveLossScaling(c.lossScaling, precision);
  setMatmulPrecision(precision);
  return { precision, lossScaling };
}

export function describePrecision(p: TrainingPrecision): string {
  return `${p.precision}${p.lossScaling === 'dynamic' ? ', dynamic loss scaling' : ''}`;
}

/** How a run's result says it trained (`precision`, `lossScaling`: a mode, or the loop's summary), for `wid show`; null when it says nothing. */
export function describeRecordedPrecision(result: unknown): string | null {
  const r = result as { precision?: unknown; lossScaling?: unknown } | null;
  if (!r || typeof r.precision !== 'string') return null;
  const ls = r.lossScaling as string | { mode?: string; scale?: number | null; skippedSteps?: number } | undefined;
  if (typeof ls === 'object' && ls && ls.mode === 'dynamic') {
    const skipped = ls.skippedSteps ?? 0;
    return `${r.precision}, dynamic loss scaling (scale ${ls.scale ?? '-'} at the end, ${skipped} step${skipped === 1 ? '' : 's'} skipped)`;
  }
  return `${r.precision}${ls === 'dynamic' ? ', dynamic loss scaling' : ''}`;
}
