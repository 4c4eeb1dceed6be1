// Which phase a step belongs to: layer-wise knowledge transfer (progressive: one student layer per stage, in order;
// joint: all layers at once) for the first transferFraction of the budget, then pre-training distillation.
// The stage decides which kernels a step runs, so it is the method's step key (a captured step per stage).
import type { MobileBertSchedule } from './options.js';

export type MobileBertStage = { kind: 'transfer'; layer: number | null } | { kind: 'distill' };

export function stageAt(step: number, totalSteps: number, layers: number, schedule: MobileBertSchedule, transferFraction: number): MobileBertStage {
  const transferSteps = Math.round(totalSteps * transferFraction);
  if (step >= transferSteps) return { kind: 'distill' };
  if (schedule === 'joint') return { kind: 'transfer', layer: null };
  return { kind: 'transfer', layer: Math.min(layers - 1, Math.floor((step * layers) / transferSteps)) };
}

export const stageKey = (s: MobileBertStage) => (s.kind === 'distill' ? 'mobilebert/distill' : `mobilebert/transfer-${s.layer ?? 'all'}`);
