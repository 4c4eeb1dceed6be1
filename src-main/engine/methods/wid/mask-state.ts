// The masks a WID run has applied and the device tensors derived from them: index tensors that slice the
// compactors to the masks' widths, and 0/1 keep vectors for the authors' penalty and the LayerNorm statistics.
// One object so a mask event swaps all of them at once (and the old tensors are freed).
//
// The keep vectors are variables whose values a mask event writes in place (capture/in-place.ts: the same buffer
// on webgpu): under the authors' schedule they are all the step reads of the masks, so a captured step stays valid
// across mask events and the step key need not name the event (methods/wid/index.ts stepKey). A short run
// recomputes the masks after every step (wStep = max(1, round(maskEvery · steps))): with new keep tensors per
// event each step had a new key, was recorded eagerly and never replayed.
import * as tf from '@tensorflow/tfjs';
import type { BertConfig } from '../../bert/index.js';
import { fullMasks, validateMasks, type WidMasks } from './masks.js';
import { disposeMaskIndexTensors, maskIndexTensors, type MaskIndexTensors } from './effective-weights.js';
import { disposeKeepVectors, keepVectors, type KeepVectors } from './penalty.js';
import { assignInPlace } from '../../capture/in-place.js';

/** Index tensors of the full masks: nothing to select. */
export const unmaskedIndices = (layers: number): MaskIndexTensors =>
  ({ residual: null, attention: Array(layers).fill(null), intermediate: Array(layers).fill(null) });

/** The keep vectors in a fixed order (the same for every mask set of one teacher). */
function keepList(k: KeepVectors): tf.Tensor1D[] {
  return [k.residual, ...k.attention, ...k.intermediate, k.masked.residual, ...k.masked.attention, ...k.masked.intermediate];
}

/** Keep vectors as (non-trainable) variables, so later mask events can write them in place. */
function keepVariables(cfg: BertConfig, masks: WidMasks): KeepVectors {
  const made = keepVectors(cfg, masks);
  const v = (t: tf.Tensor1D) => { const x = tf.variable(t, false); t.dispose(); return x as tf.Tensor as tf.Tensor1D; };
  return {
    residual: v(made.residual), attention: made.attention.map(v), intermediate: made.intermediate.map(v),
    masked: { residual: v(made.masked.residual), attention: made.masked.attention.map(v), intermediate: made.masked.intermediate.map(v) },
  };
}

export class WidMaskState {
  /** The teacher's full masks (every dim kept). */
  readonly full: WidMasks;
  masks: WidMasks;
  indices: MaskIndexTensors;
  /** Variables for the whole life of the state: a mask event writes their values in place (same tensors, same data). */
  readonly keep: KeepVectors;
  /** Mask events applied so far (0 = none: the model is the teacher's). */
  eventsApplied = 0;

  constructor(private readonly cfg: BertConfig) {
    this.full = fullMasks(cfg);
    this.masks = this.full;
    this.indices = maskIndexTensors(cfg, this.masks);
    this.keep = keepVariables(cfg, this.masks);
  }

  /** Applies `masks` (checked first: an invalid set changes nothing) as the state after `events` mask events. */
  set(masks: WidMasks, events: number): void {
    this.setMasks(masks);
    this.writeKeep(keepVectors(this.cfg, masks));
    this.eventsApplied = events;
  }

  /**
   * A mask event whose keep vectors were chosen on the device (device-masks.ts): writes them (and 1 − keep) in place
   * as the state after `events` events; the masks themselves follow with setMasks once read back. Takes `keep`.
   */
  setKeep(keep: { residual: tf.Tensor1D; attention: tf.Tensor1D[]; intermediate: tf.Tensor1D[] }, events: number): void {
    const masked = tf.tidy(() => ({
      residual: tf.sub(1, keep.residual) as tf.Tensor1D,
      attention: keep.attention.map((k) => tf.sub(1, k) as tf.Tensor1D),
      intermediate: keep.intermediate.map((k) => tf.sub(1, k) as tf.Tensor1D),
    }));
    this.writeKeep({ ...keep, masked });
    this.eventsApplied = events;
  }

  /** The masks and their index tensors (checked first); the keep vectors are left alone (set or setKeep write them). */
  setMasks(masks: WidMasks): void {
    validateMasks(masks, this.cfg);
    const indices = maskIndexTensors(this.cfg, masks);
    disposeMaskIndexTensors(this.indices);
    this.masks = masks;
    this.indices = indices;
  }

  /** Writes `next` into the keep variables in place (same tensors, same buffers) and disposes it. */
  private writeKeep(next: KeepVectors): void {
    try {
      const into = keepList(this.keep), from = keepList(next);
      if (into.length !== from.length) throw new Error(`keep vectors: ${from.length} for ${into.length}`);
      into.forEach((v, i) => assignInPlace(v as tf.Tensor as tf.Variable, from[i]));
    } finally {
      disposeKeepVectors(next);
    }
  }

  dispose(): void {
    disposeMaskIndexTensors(this.indices);
    disposeKeepVectors(this.keep);
  }
}
