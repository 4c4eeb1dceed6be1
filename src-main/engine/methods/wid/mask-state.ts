// The masks a WID run has applied and the device tensors derived from them: index tensors that slice the
// compactors to the masks' widths, and 0/1 keep vectors for the authors' penalty and the LayerNorm statistics.
// One object so a mask event swaps all of them at once (and the old tensors are freed).
import type { BertConfig } from '../../bert/index.js';
import { fullMasks, validateMasks, type WidMasks } from './masks.js';
import { disposeMaskIndexTensors, maskIndexTensors, type MaskIndexTensors } from './effective-weights.js';
import { disposeKeepVectors, keepVectors, type KeepVectors } from './penalty.js';

/** Index tensors of the full masks: nothing to select. */
export const unmaskedIndices = (layers: number): MaskIndexTensors =>
  ({ residual: null, attention: Array(layers).fill(null), intermediate: Array(layers).fill(null) });

export class WidMaskState {
  /** The teacher's full masks (every dim kept). */
  readonly full: WidMasks;
  masks: WidMasks;
  indices: MaskIndexTensors;
  keep: KeepVectors;
  /** Mask events applied so far (0 = none: the model is the teacher's). */
  eventsApplied = 0;

  constructor(private readonly cfg: BertConfig) {
    this.full = fullMasks(cfg);
    this.masks = this.full;
    this.indices = maskIndexTensors(cfg, this.masks);
    this.keep = keepVectors(cfg, this.masks);
  }

  /** Applies `masks` (checked first: an invalid set changes nothing) as the state after `events` mask events. */
  set(masks: WidMasks, events: number): void {
    validateMasks(masks, this.cfg);
    const indices = maskIndexTensors(this.cfg, masks);
    const keep = keepVectors(this.cfg, masks);
    this.dispose();
    this.masks = masks;
    this.indices = indices;
    this.keep = keep;
    this.eventsApplied = events;
  }

  dispose(): void {
    disposeMaskIndexTensors(this.indices);
    disposeKeepVectors(this.keep);
  }
}
