// A method's own distillation loss (its training objective: WID's hard MLM loss of the compactor model, DistilBERT's
// 5·KD + 2·MLM + cos, TinyBERT's embedding + hidden + attention MSE, ...) on held-out batches, without an update:
// method.loss outside any gradient tape, inside tf.tidy, so no gradient is computed and no weight changes. Dropout is
// not switched off (a method's dropout lives inside its loss): it is seeded, the masks are a function of the method's
// seed and `step` alone (no device step words), so two runs of one method and seed evaluated at the same step see the
// same masks. The distill job logs it as `loss/heldout-distill` beside `loss/heldout-mlm`; `wid repro`'s lr sweep
// picks each method's lr by it.
import * as tf from '@tensorflow/tfjs';
import type { DistillMethod, MlmBatch } from './method.js';
import type { HeldOutBatch } from './held-out.js';
import { IGNORE_LABEL } from './masking.js';

export interface HeldOutDistillScore {
  /** Mean of the method's total loss over the batches scored. */
  loss: number;
  /** Mean of each logged part (e.g. `hidden`, `attention`). */
  parts: Record<string, number>;
  batches: number;
}

/**
 * The method's loss as at step `step` (0-based) of a `totalSteps`-step run, averaged over the held-out batches (each
 * [rows, seq], masked once with a fixed seed: train/held-out.ts). Batches without a masked token are skipped.
 */
export async function heldOutDistillLoss(method: DistillMethod, batches: HeldOutBatch[], step: number, totalSteps: number): Promise<HeldOutDistillScore> {
  // the step's objective (MobileBERT's stage) is what stepKey announces; it only records the run length
  method.stepKey?.(step, totalSteps);
  let sum = 0, n = 0;
  const parts: Record<string, number> = {};
  for (const b of batches) {
    if (!b.labels.some((l) => l !== IGNORE_LABEL)) continue;
    const { names, values } = tf.tidy(() => {
      const batch: MlmBatch = {
        inputIds: tf.tensor2d(b.inputIds, [b.rows, b.seq], 'int32'),
        attentionMask: tf.tensor2d(b.attentionMask, [b.rows, b.seq], 'int32'),
        tokenTypeIds: tf.zeros([b.rows, b.seq], 'int32') as tf.Tensor2D,
        labels: tf.tensor2d(b.labels, [b.rows, b.seq], 'int32'),
      };
      const out = method.loss(batch, step);
      const keys = Object.keys(out.parts);
      return { names: keys, values: tf.stack([out.total, ...keys.map((k) => out.parts[k])]) };
    });
    // read with await: webgpu in Node has no synchronous reads
    let read: Float32Array | Int32Array | Uint8Array;
    try { read = await values.data(); } finally { values.dispose(); }
    sum += read[0];
    names.forEach((k, i) => { parts[k] = (parts[k] ?? 0) + read[i + 1]; });
    n++;
  }
  if (n === 0) throw new Error('held-out batches hold no masked token');
  for (const k of Object.keys(parts)) parts[k] /= n;
  return { loss: sum / n, parts, batches: n };
}
