// The MobileBERT authors' layer-wise learning rates for progressive knowledge transfer (google-research
// mobilebert/distill_util.py `layer_wise_learning_rate`, `get_background_lr`; lamb_optimizer.py `apply_gradients`):
// while layer ℓ learns, its parameters run at 3× the background rate, the layers below it at 0.1 of that (0.3×),
// the layers above it and every parameter outside the encoder layers not at all. The background rate restarts with
// each layer's phase: a linear warm-up over its first tenth, then a slow decay to 0.9 at its end.
import { learningRateAt } from '../../train/lr-schedule.js';
import type { MobileBertStage } from './schedule.js';

/** Multiplier of the stage layer's rate (distill_util.py: `3.0 * layer_wise_lr`). */
export const STAGE_LAYER_FACTOR = 3;
/** Multiplier of a layer whose phase has passed, relative to the stage layer (piecewise values [0, 1, 0.1]). */
export const LOWER_LAYER_FACTOR = 0.1;

/**
 * The background rate at position u ∈ [0, 1) of a phase: min(polynomial decay 1 → 0.9 with power 0.5,
 * linear 0 → 10), i.e. warm-up to ~1 over the first tenth, then down to 0.9.
 */
export function backgroundRate(u: number): number {
  if (!(u >= 0 && u <= 1)) throw new Error(`phase position must be in [0, 1], got ${u}`);
  return Math.min((1 - 0.9) * Math.sqrt(1 - u) + 0.9, 10 * u);
}

/** Where `step` sits in its transfer phase (progressive schedule), as a fraction of the phase. */
export function phasePosition(step: number, transferSteps: number, layers: number): number {
  const x = (step * layers) / transferSteps;
  return Math.min(1, x - Math.min(layers - 1, Math.floor(x)));
}

/**
 * The scheduled rate of a step under the authors' recipe: the run's peak rate times the background rate in a
 * progressive transfer phase (constant in a joint one), then warm-up and linear decay over the
 * pre-training-distillation steps alone (the authors ran it as its own schedule after the transfer).
 */
export function authorsLearningRate(
  step: number, totalSteps: number, stage: MobileBertStage, o: { lr: number; warmupSteps: number; transferSteps: number; layers: number },
): number {
  if (stage.kind === 'distill') return learningRateAt(step - o.transferSteps, o.lr, o.warmupSteps, Math.max(1, totalSteps - o.transferSteps));
  if (stage.layer === null) return o.lr;
  return o.lr * backgroundRate(phasePosition(step, o.transferSteps, o.layers));
}

/**
 * A student variable's multiplier in a progressive stage (0 = no update), by its HF name. The embeddings learn
 * with layer 0 (the authors copy them from their teacher and never train them in the transfer; ours start random);
 * a feature map (ours: the authors' teacher needs none) only in its layer's phase, the one whose loss it is in.
 */
export function layerWiseFactor(name: string, stageLayer: number): number {
  const map = /^feature_map\.(\d+)\./.exec(name);
  if (map) return Number(map[1]) === stageLayer ? STAGE_LAYER_FACTOR : 0;
  const layer = /(?:^|\.)layer\.(\d+)\./.exec(name);
  if (!layer) return /embeddings\./.test(name) && stageLayer === 0 ? STAGE_LAYER_FACTOR : 0;
  const l = Number(layer[1]);
  if (l === stageLayer) return STAGE_LAYER_FACTOR;
  return l < stageLayer ? STAGE_LAYER_FACTOR * LOWER_LAYER_FACTOR : 0;
}
