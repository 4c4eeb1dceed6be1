// Dynamic loss scaling, as torch.amp.GradScaler does it, for steps whose matmuls run in f16 (f16-tc): the loss is
// multiplied by a scale before the backward pass so that small gradients survive f16's range (values under ~6e-5
// flush), the gradients are divided by the scale again before clipping and the optimiser, and a step whose
// gradients hold an inf or NaN is skipped: parameters, Adam's moments and its bias-correction step stay as they
// were, the scale is multiplied by the backoff factor (0.5); after `growthInterval` clean steps in a row it is
// multiplied by the growth factor (2). Defaults are GradScaler's (init 2^16, growth 2, backoff 0.5, interval 2000).
//
// Like GradScaler under CUDA graphs, nothing here reads back to the CPU: the scale, the growth counter, the
// skipped-step count and Adam's bias corrections live in small tensors the step itself updates in place
// (capture/in-place.ts), and the skip reaches the AdamW kernel as the 4th entry of its step values
// [lr, bc1, bc2, skip] (kernels/webgpu-adamw.ts), computed on the device. The loop reads the scale and the skip
// lagged, with the losses. With scaling off (fp32) the step is exactly what it was without this file.
import * as tf from '@tensorflow/tfjs';
import { variableGrads } from '../autodiff/variable-grads.js';
import { assignInPlace } from '../capture/in-place.js';
import type { AdamW, AdamWStepValues } from './adamw.js';
import { spreadSum } from './spread-sum.js';

export type LossScalingMode = 'off' | 'dynamic';

/** GradScaler's knobs (torch.amp.GradScaler(init_scale, growth_factor, backoff_factor, growth_interval)). */
export interface LossScaleSettings { initScale: number; growthFactor: number; backoffFactor: number; growthInterval: number }

/** torch.amp.GradScaler's defaults. */
export const GRAD_SCALER_DEFAULTS: Readonly<LossScaleSettings> = { initScale: 2 ** 16, growthFactor: 2, backoffFactor: 0.5, growthInterval: 2000 };

/** A run diverged when this many steps in a row were skipped (the scale fell 2^50-fold and the gradients still overflow). */
export const MAX_SKIPPED_IN_A_ROW = 50;

/** What a checkpoint keeps of the scaler (tensors, caller disposes) besides Adam's state. */
export interface LossScaleState { scale: tf.Tensor; growth: tf.Tensor; skipped: tf.Tensor; applied: tf.Tensor; bias: tf.Tensor }

export interface ScaledGradients {
  /** The unscaled loss. */
  value: tf.Scalar;
  /** Gradients of the unscaled loss (divided by the scale again). */
  grads: tf.NamedTensorMap;
}

export interface LossScaler {
  readonly mode: LossScalingMode;
  /** This step's Adam values on the CPU side: `optimizer.nextStep(lr)` when off; with scaling the device counts the steps. */
  nextStep(optimizer: AdamW, lr: number): AdamWStepValues;
  /** The gradients of `f` (autodiff/variable-grads.ts), through the scale when on (exactly those gradients when off). */
  gradients(f: () => tf.Scalar, vars: tf.Variable[]): ScaledGradients;
  /**
   * The step's skip flag: 1 when any of `grads` (the ones the update will use, e.g. after dropping frozen ones) holds
   * an inf or NaN, else 0, on the device; null when scaling is off.
   */
  overflow(grads: tf.NamedTensorMap): tf.Scalar | null;
  /**
   * The step values AdamW reads: `input` as it is when off; with scaling [lr, bc1, bc2, skip], computed on the
   * device from the input's lr and the scaler's bias corrections. Also advances the scaler's state in place (scale,
   * growth counter, skipped and applied steps, bias corrections), so call it once per step, after the gradients.
   * Returns as well what the loop reads lagged: [skip, scale after this step] (empty when off).
   */
  advance(input: tf.Tensor, skip: tf.Scalar | null): { stepValues: tf.Tensor; readouts: tf.Tensor[] };
  /** Copies of the state for a checkpoint (null when off). */
  getState(): LossScaleState | null;
  /** Restores a checkpoint's state; `adamStep` (applied updates) seeds the bias corrections when `state` is absent. */
  setState(state: Partial<LossScaleState> | null, adamStep: number): void;
  /** The scale, skipped and applied step counts (a read back: outside the step, e.g. at a checkpoint or the end). */
  read(): Promise<{ scale: number; skippedSteps: number; appliedSteps: number } | null>;
  dispose(): void;
}

/** The loss scaler for a mode: 'off' is a no-op (fp32 steps unchanged bit for bit). */
export function lossScaler(mode: LossScalingMode, optimizer: AdamW, settings: Partial<LossScaleSettings> = {}): LossScaler {
  return mode === 'dynamic' ? new DynamicLossScale(optimizer, { ...GRAD_SCALER_DEFAULTS, ...settings }) : NO_SCALING;
}

/** Scaling off: the step is exactly what it is without a scaler. */
export const NO_SCALING: LossScaler = {
  mode: 'off',
  nextStep: (optimizer, lr) => optimizer.nextStep(lr),
  gradients: (f, vars) => variableGrads(f, vars),
  overflow: () => null,
  advance: (input) => ({ stepValues: input, readouts: [] }),
  getState: () => null,
  setState: () => {},
  read: async () => null,
  dispose: () => {},
};

/**
 * 1 when any entry of any gradient is inf or NaN: per gradient its sum (an inf or NaN entry makes it inf or NaN;
 * spreadSum of spread-sum.ts, so that no gradient is read by a single workgroup), then isFinite. Env WID_OVERFLOW_SUM (read at each
 * call, for A/B in one process): unset = spreadSum, `scalar` = the one-pass tf.sum of each gradient (as before).
 */
export function nonFiniteFlag(grads: tf.NamedTensorMap, env: NodeJS.ProcessEnv = process.env): tf.Scalar {
  const mode = env.WID_OVERFLOW_SUM ?? 'auto';
  if (mode !== 'auto' && mode !== 'scalar') throw new Error(`WID_OVERFLOW_SUM must be scalar (or unset), got "${mode}"`);
  const names = Object.keys(grads);
  if (!names.length) return tf.scalar(0);
  return tf.tidy(() => {
    const sums = tf.stack(names.map((n) => (mode === 'scalar' ? tf.sum(grads[n]) : spreadSum(grads[n]))));
    return tf.sub(1, tf.cast(tf.all(tf.isFinite(sums)), 'float32')) as tf.Scalar;
  });
}

class DynamicLossScale implements LossScaler {
  readonly mode = 'dynamic' as const;
  private readonly scale: tf.Variable;
  /** Clean steps since the scale last changed (GradScaler's growth_tracker). */
  private readonly growth: tf.Variable;
  private readonly skipped: tf.Variable;
  /** Updates applied (Adam's t): attempted steps minus skipped ones. */
  private readonly applied: tf.Variable;
  /** Adam's bias corrections [1 - beta1^t, 1 - beta2^t] of the last applied update ([1, 1] without correction). */
  private readonly bias: tf.Variable;

  constructor(private readonly optimizer: AdamW, private readonly s: LossScaleSettings) {
    const { initScale, growthFactor, backoffFactor, growthInterval } = s;
    if (!(initScale > 0 && Number.isFinite(initScale))) throw new Error(`loss scale: initScale must be a finite number > 0, got ${initScale}`);
    if (!(growthFactor > 1)) throw new Error(`loss scale: growthFactor must be > 1, got ${growthFactor}`);
    if (!(backoffFactor > 0 && backoffFactor < 1)) throw new Error(`loss scale: backoffFactor must be in (0, 1), got ${backoffFactor}`);
    if (!Number.isInteger(growthInterval) || growthInterval < 1) throw new Error(`loss scale: growthInterval must be an integer >= 1, got ${growthInterval}`);
    // tidy disposes the initial values; the variables keep their own reference to the data
    [this.scale, this.growth, this.skipped, this.applied, this.bias] = tf.tidy(() => [
      tf.variable(tf.scalar(initScale), false), tf.variable(tf.scalar(0), false), tf.variable(tf.scalar(0), false), tf.variable(tf.scalar(0), false),
      tf.variable(tf.tensor1d(this.biasAt(0)), false),
    ]);
  }

  nextStep(_optimizer: AdamW, lr: number): AdamWStepValues {
    // the device holds Adam's step count and bias corrections (a skipped step does not advance them)
    return { lr, bc1: 1, bc2: 1 };
  }

  gradients(f: () => tf.Scalar, vars: tf.Variable[]): ScaledGradients {
    let loss: tf.Scalar | undefined;
    const scaled = variableGrads(() => {
      const l = f();
      // a copy (f's result may be a tensor the caller keeps too, e.g. a loss part), kept past variableGrads' tidy
      loss = tf.keep(l.clone());
      return tf.mul(l, this.scale) as tf.Scalar;
    }, vars);
    scaled.value.dispose();
    const value = loss!.clone(); // owned by the caller's scope; the kept copy is freed here, inside the step
    loss!.dispose();
    // GradScaler multiplies by 1/scale; with a power-of-two scale both are exact
    const inv = tf.div(1, this.scale);
    const grads: tf.NamedTensorMap = {};
    for (const [n, g] of Object.entries(scaled.grads)) { grads[n] = tf.mul(g, inv); g.dispose(); }
    inv.dispose();
    return { value, grads };
  }

  overflow(grads: tf.NamedTensorMap): tf.Scalar {
    return nonFiniteFlag(grads);
  }

  advance(input: tf.Tensor, skip: tf.Scalar | null): { stepValues: tf.Tensor; readouts: tf.Tensor[] } {
    if (!skip) throw new Error('dynamic loss scale: advance needs the step\'s skip flag');
    const { growthFactor, backoffFactor, growthInterval } = this.s;
    const out = tf.tidy(() => {
      const skipped = tf.greater(skip, 0);
      // Adam's bias corrections of this update: bc_t = (1 - beta) + beta * bc_{t-1} (1 - beta from float64, exact to f32)
      const { beta1, beta2 } = this.optimizer;
      const nextBias = this.optimizer.correctBias
        ? tf.add(tf.tensor1d([1 - beta1, 1 - beta2]), tf.mul(this.bias, tf.tensor1d([beta1, beta2])))
        : this.bias.clone();
      const stepValues = tf.concat([tf.slice(input, [0], [1]), nextBias, tf.reshape(skip, [1])]);
      // _amp_update_scale_: inf -> scale * backoff, counter 0; else counter + 1, and at the interval scale * growth
      // (kept when that would be inf), counter 0
      const counted = tf.add(this.growth, 1);
      const grows = tf.logicalAnd(tf.greaterEqual(counted, growthInterval), tf.isFinite(tf.mul(this.scale, growthFactor)));
      const atInterval = tf.greaterEqual(counted, growthInterval);
      const scale = tf.where(skipped, tf.mul(this.scale, backoffFactor), tf.where(grows, tf.mul(this.scale, growthFactor), this.scale));
      const growth = tf.where(tf.logicalOr(skipped, atInterval), tf.zerosLike(counted), counted);
      const bias = tf.where(skipped, this.bias, nextBias);
      const applied = tf.add(this.applied, tf.sub(1, skip));
      const skippedCount = tf.add(this.skipped, skip);
      return { stepValues, scale, growth, bias, applied, skippedCount };
    });
    assignInPlace(this.scale, out.scale);
    assignInPlace(this.growth, out.growth);
    assignInPlace(this.bias, out.bias);
    assignInPlace(this.applied, out.applied);
    assignInPlace(this.skipped, out.skippedCount);
    tf.dispose([out.growth, out.bias, out.applied, out.skippedCount]);
    return { stepValues: out.stepValues, readouts: [tf.reshape(skip, [1]), tf.reshape(out.scale, [1])] };
  }

  getState(): LossScaleState {
    return { scale: this.scale.clone(), growth: this.growth.clone(), skipped: this.skipped.clone(), applied: this.applied.clone(), bias: this.bias.clone() };
  }

  setState(state: Partial<LossScaleState> | null, adamStep: number): void {
    if (state?.scale && state.growth && state.skipped && state.applied && state.bias) {
      for (const [name, t, mine] of [['scale', state.scale, this.scale], ['growth', state.growth, this.growth], ['skipped', state.skipped, this.skipped],
        ['applied', state.applied, this.applied], ['bias', state.bias, this.bias]] as const) {
        if (t.shape.join() !== mine.shape.join()) throw new Error(`loss scale state: ${name} is shaped [${t.shape}], expected [${mine.shape}]`);
        mine.assign(t);
      }
      return;
    }
    // a checkpoint of a run without scaling: Adam's applied steps give the bias corrections; the scale starts afresh
    tf.tidy(() => {
      this.applied.assign(tf.scalar(adamStep));
      this.bias.assign(tf.tensor1d(this.biasAt(adamStep)));
    });
  }

  async read(): Promise<{ scale: number; skippedSteps: number; appliedSteps: number }> {
    const [scale, skippedSteps, appliedSteps] = await Promise.all([this.scale, this.skipped, this.applied].map(async (t) => (await t.data())[0]));
    return { scale, skippedSteps, appliedSteps };
  }

  dispose(): void {
    tf.dispose([this.scale, this.growth, this.skipped, this.applied, this.bias]);
  }

  private biasAt(t: number): [number, number] {
    const { beta1, beta2, correctBias } = this.optimizer;
    return correctBias ? [1 - Math.pow(beta1, t), 1 - Math.pow(beta2, t)] : [1, 1];
  }
}
