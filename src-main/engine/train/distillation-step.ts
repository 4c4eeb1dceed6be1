// One optimiser step of the shared distillation loop, written as a capturable function (capture/captured-step.ts):
// method.loss -> gradients -> global-norm clip -> the method's gradient rewrite -> AdamW, in place.
import * as tf from '@tensorflow/tfjs';
import { variableGrads } from '../autodiff/variable-grads.js';
import type { AdamW, AdamWStepValues } from './adamw.js';
import { clipByGlobalNormTensor } from './clip.js';
import type { DistillMethod } from './method.js';
import { NO_SCALING, type LossScaler } from './loss-scale.js';

/** What a step reads besides its inputs; fixed for a step key, so a replay may reuse it. */
export interface StepContext { step: number; totalSteps: number; adam: AdamWStepValues }

/**
 * One optimiser step as a capturable function: the batch, the step index (dropout seeds) and Adam's step
 * values arrive as tensors; the loss parts come back as one tensor [loss, gradient norm, ...parts] to read later.
 * Parameters are updated in place. `partNames` receives the order of the parts per step key.
 */
export function distillationStep(method: DistillMethod, vars: tf.Variable[], optimizer: AdamW, clipNorm: number, ctx: StepContext, partNames: (names: string[]) => void,
  scaler: LossScaler = NO_SCALING) {
  return (inputs: Record<string, tf.Tensor>): Record<string, tf.Tensor> => {
    const batch = {
      inputIds: inputs.inputIds as tf.Tensor2D, attentionMask: inputs.attentionMask as tf.Tensor2D, tokenTypeIds: inputs.tokenTypeIds as tf.Tensor2D,
      labels: inputs.labels as tf.Tensor2D, stepWords: inputs.stepWords as tf.Tensor1D,
      ...(inputs.sentenceOrderLabels ? { sentenceOrderLabels: inputs.sentenceOrderLabels as tf.Tensor1D } : {}),
    };
    let parts: Record<string, tf.Scalar> = {};
    // with dynamic loss scaling: through the scale, and unscaled again
    const { value, grads } = scaler.gradients(() => {
      const r = method.loss(batch, ctx.step);
      // the forward pass runs in its own tidy: keep the parts so they can be read after it
      parts = r.parts;
      for (const p of Object.values(parts)) tf.keep(p);
      return r.total;
    }, vars);
    try {
      // frozen this step (e.g. MobileBERT's lower layers in a progressive stage): no gradient, so no update at all
      const frozen = method.frozenVariables?.(ctx.step, ctx.totalSteps);
      if (frozen) for (const name of Object.keys(grads)) if (frozen.has(name)) { grads[name].dispose(); delete grads[name]; }
      // with loss scaling: 1 on the device when a gradient the update uses holds an inf or NaN (the step is skipped)
      const skip = scaler.overflow(grads);
      const clipped = clipByGlobalNormTensor(grads, clipNorm);
      // e.g. WID's authors' penalty on masked compactor rows/columns (methods/wid/penalty.ts)
      // a skipped step must not write Adam's first moment either (the penalty reads the flag)
      const moments = skip ? { firstMoment: (name: string) => optimizer.firstMoment(name), skip } : optimizer;
      const adjusted = method.adjustGradients ? method.adjustGradients(clipped.grads, ctx.step, ctx.totalSteps, moments) : {};
      const { stepValues, readouts } = scaler.advance(inputs.adamStep, skip);
      optimizer.applyStep({ ...clipped.grads, ...adjusted }, ctx.adam, stepValues, skip !== null);
      const names = Object.keys(parts);
      partNames(names);
      // [loss, gradient norm, ...parts] and, with loss scaling, [skip, scale] after them
      const values = tf.stack([value, clipped.norm, ...names.map((n) => parts[n])]);
      return { values: readouts.length ? tf.concat([values, ...readouts]) : values };
    } finally {
      tf.dispose(Object.values(parts));
    }
  };
}
