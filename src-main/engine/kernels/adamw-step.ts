// One AdamW update of a parameter as a single registered kernel ('WidAdamWStep') where the active
// backend has one (webgpu: three dispatches with the hyper-parameters as uniforms, instead of ~15
// element-wise ops and ~9 uploaded scalar tensors per parameter). Same formula as train/adamw.ts.
import * as tf from '@tensorflow/tfjs';

export const ADAMW_KERNEL = 'WidAdamWStep';

export interface AdamWStepParams {
  lr: number; beta1: number; beta2: number; epsilon: number;
  /** 1 - beta^t bias corrections for this step. */
  bc1: number; bc2: number;
  /** Decoupled weight decay coefficient for this parameter (0 = none). */
  weightDecay: number;
}

export interface AdamWStepResult { param: tf.Tensor; m: tf.Tensor; v: tf.Tensor }

/** The reference formula in plain tfjs ops (what train/adamw.ts computes). */
export function adamwStepComposite(p: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, h: AdamWStepParams): AdamWStepResult {
  return tf.tidy(() => {
    const newM = tf.add(tf.mul(m, h.beta1), tf.mul(g, 1 - h.beta1));
    const newV = tf.add(tf.mul(v, h.beta2), tf.mul(tf.square(g), 1 - h.beta2));
    const update = tf.div(tf.div(newM, h.bc1), tf.add(tf.sqrt(tf.div(newV, h.bc2)), h.epsilon));
    let next = tf.sub(p, tf.mul(update, h.lr));
    if (h.weightDecay > 0) next = tf.sub(next, tf.mul(p, h.lr * h.weightDecay));
    return { param: next, m: newM, v: newV };
  });
}

/** The fused kernel's result, or null when the active backend has no 'WidAdamWStep' kernel. */
export function fusedAdamWStep(p: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, h: AdamWStepParams): AdamWStepResult | null {
  if (!tf.getKernel(ADAMW_KERNEL, tf.getBackend())) return null;
  for (const [name, t] of [['gradient', g], ['m', m], ['v', v]] as const) {
    if (t.shape.join(',') !== p.shape.join(',')) throw new Error(`AdamW step: ${name} shape [${t.shape}] must equal parameter shape [${p.shape}]`);
  }
  const [param, newM, newV] = tf.engine().runKernel(ADAMW_KERNEL, { p, g, m, v }, { ...h } as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return { param, m: newM, v: newV };
}

/** Fused where available, composite otherwise. */
export function adamwStep(p: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, h: AdamWStepParams): AdamWStepResult {
  return fusedAdamWStep(p, g, m, v, h) ?? adamwStepComposite(p, g, m, v, h);
}
