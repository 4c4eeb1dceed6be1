// AdamW (Loshchilov & Hutter): Adam moments with bias correction, weight decay applied to the
// parameter directly (decoupled), as torch.optim.AdamW / the BERT recipe. Works on tf.Variables keyed
// by variable name, so its state can be saved in a checkpoint and restored by name.
import * as tf from '@tensorflow/tfjs';
import { adamwInPlace, inPlaceAdamWAvailable } from '../kernels/webgpu-adamw.js';
import { activeWebgpu } from '../capture/webgpu-internals.js';
import { ensureSoleOwner } from '../capture/in-place.js';

export interface AdamWOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Decoupled weight decay coefficient (0.01 in BERT). */
  weightDecay?: number;
  /** Parameters that get no weight decay; default: LayerNorm weights and all biases (by HF name). */
  noDecay?: (variableName: string) => boolean;
  /** Per-variable multiplier of the scheduled learning rate (default 1), e.g. WID's teacher weights at 1e-6 beside compactors at 5e-5. */
  lrScale?: (variableName: string) => number;
  /**
   * Adam's bias correction of the moments (default true, torch.optim.AdamW). false = the step uses the raw
   * moments m / (sqrt(v) + eps), as `correct_bias=False` in the WID authors' uer/trainer.py:403-404.
   */
  correctBias?: boolean;
}

/** The per-step values of one update: the scheduled learning rate and Adam's bias corrections 1 - beta^t. */
export interface AdamWStepValues { lr: number; bc1: number; bc2: number }

/**
 * The step values as the float32 tensor [lr, bc1, bc2, 0] the webgpu kernel reads (a captured step's input). The 4th
 * entry is the skip flag: a loss-scaled step (train/loss-scale.ts) writes 1 there on the device when its gradients
 * overflowed, and the update leaves parameters and moments as they are.
 */
export const stepValuesTensor = (h: AdamWStepValues): tf.Tensor1D => tf.tensor1d([h.lr, h.bc1, h.bc2, 0], 'float32');

/** Saved optimiser state: step count and first/second moments per variable name. */
export interface AdamWState {
  step: number;
  m: Record<string, tf.Tensor>;
  v: Record<string, tf.Tensor>;
}

/** BERT convention: LayerNorm weights/biases and all biases are not decayed. */
export function isNoDecayParameter(name: string): boolean {
  return /LayerNorm|layer_norm/i.test(name) || /(^|[./_])bias$/.test(name);
}

export class AdamW {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  readonly correctBias: boolean;
  private readonly noDecay: (name: string) => boolean;
  private readonly lrScale: (name: string) => number;
  private readonly variables = new Map<string, tf.Variable>();
  private m = new Map<string, tf.Variable>();
  private v = new Map<string, tf.Variable>();
  private stepCount = 0;

  constructor(variables: tf.Variable[], opts: AdamWOptions = {}) {
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.epsilon = opts.epsilon ?? 1e-6;
    this.weightDecay = opts.weightDecay ?? 0.01;
    this.correctBias = opts.correctBias ?? true;
    this.noDecay = opts.noDecay ?? isNoDecayParameter;
    this.lrScale = opts.lrScale ?? (() => 1);
    for (const [k, val] of [['beta1', this.beta1], ['beta2', this.beta2]] as const) {
      if (!(val >= 0 && val < 1)) throw new Error(`AdamW ${k} must be in [0, 1), got ${val}`);
    }
    if (!(this.weightDecay >= 0)) throw new Error(`AdamW weightDecay must be >= 0, got ${this.weightDecay}`);
    for (const variable of variables) {
      if (this.variables.has(variable.name)) throw new Error(`AdamW: two trainable variables share the name "${variable.name}"`);
      this.variables.set(variable.name, variable);
      // tidy disposes the zerosLike temporaries; the variables keep their own reference to the data.
      this.m.set(variable.name, tf.tidy(() => tf.variable(tf.zerosLike(variable), false)));
      this.v.set(variable.name, tf.tidy(() => tf.variable(tf.zerosLike(variable), false)));
    }
  }

  /** Number of updates applied so far (drives bias correction). */
  get step(): number {
    return this.stepCount;
  }

  /** Adam's first moment of a variable (WID's penalty writes into it, as the authors' trainer does), or undefined. */
  firstMoment(variableName: string): tf.Variable | undefined {
    return this.m.get(variableName);
  }

  /** Names of the variables this optimiser updates. */
  variableNames(): string[] {
    return [...this.variables.keys()];
  }

  /**
   * One update with learning rate `lr`. `grads` is keyed by variable name (tf.variableGrads' output);
   * a variable without a gradient is left alone. Does not dispose `grads`.
   */
  applyGradients(grads: tf.NamedTensorMap, lr: number): void {
    this.applyStep(grads, this.nextStep(lr));
  }

  /** Advances the step count and returns this update's values (apply them with applyStep). */
  nextStep(lr: number): AdamWStepValues {
    this.stepCount++;
    const t = this.stepCount;
    // correctBias false: bc1 = bc2 = 1, the moments are used as they are (authors' WID trainer)
    if (!this.correctBias) return { lr, bc1: 1, bc2: 1 };
    return { lr, bc1: 1 - Math.pow(this.beta1, t), bc2: 1 - Math.pow(this.beta2, t) };
  }

  /**
   * The update with values from nextStep. On webgpu every parameter, m and v is updated in place by one
   * dispatch that reads the values from `stepTensor` (made from `h` when absent): a captured step passes that
   * tensor as an input, so its replays use each step's values. Elsewhere the composite formula runs.
   * `fromDevice`: `stepTensor` [lr, bc1, bc2, skip] was computed on the device (a loss-scaled step) and is the
   * authority, `h` is not read; a skip != 0 leaves every parameter and moment unchanged, on every backend.
   */
  applyStep(grads: tf.NamedTensorMap, h: AdamWStepValues, stepTensor?: tf.Tensor, fromDevice = false): void {
    for (const name of Object.keys(grads)) {
      if (!this.variables.has(name)) throw new Error(`AdamW: gradient for unknown variable "${name}"`);
    }
    if (fromDevice && !stepTensor) throw new Error('AdamW: fromDevice needs the step values tensor');
    const be = activeWebgpu();
    if (be && inPlaceAdamWAvailable()) {
      const own = stepTensor ? null : stepValuesTensor(h);
      try {
        for (const [name, variable] of this.variables) {
          const g = grads[name];
          const scale = this.lrScale(name);
          if (!g || scale === 0) continue; // frozen: no moment, no decay
          const m = this.m.get(name)!, v = this.v.get(name)!;
          for (const x of [variable, m, v]) ensureSoleOwner(be, x);
          adamwInPlace(be, variable, g, m, v, stepTensor ?? own!, {
            beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, lrScale: scale, weightDecay: this.decayOf(name),
          });
        }
      } finally {
        own?.dispose();
      }
      return;
    }
    if (fromDevice) { this.applyDeviceStep(grads, stepTensor!); return; }
    // One tidy per variable: the composite update makes about 16 temporaries the size of the variable, and one
    // tidy around the whole loop kept every variable's alive to the end (128 MiB above the live tensors for 8
    // variables of 1 MiB, test/train/adamw.test.ts; with WID's compactors on the 4L-512H teacher, the wasm heap).
    for (const [name, variable] of this.variables) {
      const g = grads[name];
      if (!g) continue;
      const scale = this.lrScale(name);
      if (scale === 0) continue;
      tf.tidy(() => {
        const lrVar = h.lr * scale;
        const m = this.m.get(name)!, v = this.v.get(name)!;
        const newM = tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1));
        const newV = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        m.assign(newM);
        v.assign(newV);
        // update = m̂ / (sqrt(v̂) + eps); decay uses the pre-update value, like torch.
        const update = tf.div(tf.div(newM, h.bc1), tf.add(tf.sqrt(tf.div(newV, h.bc2)), this.epsilon));
        let next = tf.sub(variable, tf.mul(update, lrVar));
        const wd = this.decayOf(name);
        if (wd > 0) next = tf.sub(next, tf.mul(variable, lrVar * wd));
        variable.assign(next);
      });
    }
  }

  /** The composite formula with the step values read from a tensor [lr, bc1, bc2, skip]; skip != 0 keeps the old values. */
  private applyDeviceStep(grads: tf.NamedTensorMap, stepTensor: tf.Tensor): void {
    const [lr, bc1, bc2, skip] = tf.unstack(stepTensor) as tf.Scalar[];
    const skipped = tf.greater(skip, 0);
    try {
      for (const [name, variable] of this.variables) {
        const g = grads[name];
        if (!g) continue;
        const scale = this.lrScale(name);
        if (scale === 0) continue;
        const m = this.m.get(name)!, v = this.v.get(name)!;
        const next = tf.tidy(() => {
          const lrVar = tf.mul(lr, scale);
          const newM = tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1));
          const newV = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
          const update = tf.div(tf.div(newM, bc1), tf.add(tf.sqrt(tf.div(newV, bc2)), this.epsilon));
          let p = tf.sub(variable, tf.mul(update, lrVar));
          const wd = this.decayOf(name);
          if (wd > 0) p = tf.sub(p, tf.mul(variable, tf.mul(lrVar, wd)));
          return { m: tf.where(skipped, m, newM), v: tf.where(skipped, v, newV), p: tf.where(skipped, variable, p) };
        });
        m.assign(next.m);
        v.assign(next.v);
        variable.assign(next.p);
        tf.dispose([next.m, next.v, next.p]);
      }
    } finally {
      tf.dispose([lr, bc1, bc2, skip, skipped]);
    }
  }

  private decayOf(name: string): number {
    return this.weightDecay > 0 && !this.noDecay(name) ? this.weightDecay : 0;
  }

  /** Copies of the moments (caller owns the tensors) and the step count. */
  getState(): AdamWState {
    const m: Record<string, tf.Tensor> = {}, v: Record<string, tf.Tensor> = {};
    for (const name of this.variables.keys()) {
      m[name] = this.m.get(name)!.clone();
      v[name] = this.v.get(name)!.clone();
    }
    return { step: this.stepCount, m, v };
  }

  /** Restores a saved state; every variable must be present with its shape. Does not take ownership. */
  setState(state: AdamWState): void {
    if (!Number.isInteger(state.step) || state.step < 0) throw new Error(`AdamW state step must be an integer >= 0, got ${state.step}`);
    for (const name of this.variables.keys()) {
      for (const [kind, saved, mine] of [['m', state.m, this.m], ['v', state.v, this.v]] as const) {
        const t = saved[name];
        if (!t) throw new Error(`AdamW state is missing moment ${kind} for variable "${name}"`);
        const target = mine.get(name)!;
        if (t.shape.join(',') !== target.shape.join(',')) {
          throw new Error(`AdamW state moment ${kind} for "${name}" has shape [${t.shape}], expected [${target.shape}]`);
        }
        target.assign(t);
      }
    }
    this.stepCount = state.step;
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
    this.m.clear();
    this.v.clear();
    this.variables.clear();
  }
}
