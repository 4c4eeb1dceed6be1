// The sparsity schedule (docs/wid.md §3): E pruning events spread over [pruneStart, pruneEnd] of the
// run; at event e every width moves linearly from the teacher's to the target, and the least important
// kept dims (importance.ts) are masked. The last event lands exactly on the target.
import { WidMasks } from './masks.js';
import type { WidSizes } from '../common/student-size.js';
import { DimScores } from './importance.js';

export interface ScheduleOptions {
  /** Fraction of total steps at which the first event happens (0..1). */
  pruneStart: number;
  /** Fraction of total steps at which the last event happens (pruneStart..1). */
  pruneEnd: number;
  /** Number of pruning events (≥ 1). */
  pruneEvents: number;
}

/** Step (count of completed steps) at which event e (1-based) is due. */
export function eventStep(e: number, totalSteps: number, o: ScheduleOptions): number {
  const frac = o.pruneEvents === 1 ? o.pruneEnd : o.pruneStart + ((o.pruneEnd - o.pruneStart) * (e - 1)) / (o.pruneEvents - 1);
  return Math.round(frac * totalSteps);
}

/**
 * How many events are due once `completedSteps` steps are done. The final step always completes the
 * schedule, so the student reaches the target whatever the step count.
 */
export function eventsDue(completedSteps: number, totalSteps: number, o: ScheduleOptions): number {
  if (completedSteps >= totalSteps) return o.pruneEvents;
  let due = 0;
  for (let e = 1; e <= o.pruneEvents; e++) if (eventStep(e, totalSteps, o) <= completedSteps) due = e;
  return due;
}

const lerp = (from: number, to: number, e: number, E: number) => from - Math.round(((from - to) * e) / E);

/** Widths after event e of E; hidden is always heads × headDim so every step is a valid BERT. */
export function sizesAtEvent(teacher: WidSizes, target: WidSizes, e: number, E: number): WidSizes {
  const heads = lerp(teacher.heads, target.heads, e, E);
  const headDim = lerp(teacher.headDim, target.headDim, e, E);
  return { heads, headDim, hidden: heads * headDim, intermediate: lerp(teacher.intermediate, target.intermediate, e, E) };
}

/** Positions of the k largest scores, in increasing position order (ties: lower position wins). */
export function topK(scores: number[], k: number): number[] {
  if (k > scores.length) throw new Error(`cannot keep ${k} of ${scores.length} dims`);
  return scores.map((s, i) => [s, i] as const)
    .sort((a, b) => (b[0] - a[0]) || (a[1] - b[1]))
    .slice(0, k).map(([, i]) => i).sort((a, b) => a - b);
}

/** Masks shrunk to `sizes`, keeping the highest-scoring dims of the current masks. */
export function pruneMasks(masks: WidMasks, scores: DimScores, sizes: WidSizes): WidMasks {
  const residual = topK(scores.residual, sizes.hidden).map((j) => masks.residual[j]);
  const heads: number[][] = [], headDims: number[][][] = [], intermediate: number[][] = [];
  masks.heads.forEach((layerHeads, l) => {
    const ds = masks.headDims[l][0].length;
    const att = scores.attention[l];
    const headScores = layerHeads.map((_, j) => att.slice(j * ds, (j + 1) * ds).reduce((a, b) => a + b, 0));
    const keptHeads = topK(headScores, sizes.heads);
    heads.push(keptHeads.map((j) => layerHeads[j]));
    headDims.push(keptHeads.map((j) => topK(att.slice(j * ds, (j + 1) * ds), sizes.headDim).map((m) => masks.headDims[l][j][m])));
    intermediate.push(topK(scores.intermediate[l], sizes.intermediate).map((i) => masks.intermediate[l][i]));
  });
  return { residual, heads, headDims, intermediate };
}

/**
 * The authors' schedule (uer/trainer.py:124-166), scaled to the run: masks are recomputed from the compactor
 * norms every wStep steps; at the k-th recomputation the residual and attention widths have moved k/8 of the way
 * to the target and the FFN width k/16 (their `dim` strategy: 8 and 16 equal cuts), capped at the target.
 * wStep = round(maskEvery · totalSteps), at least 1 step (floor for short runs).
 */
export const AUTHORS_ATTENTION_EVENTS = 8;
export const AUTHORS_FFN_EVENTS = 16;
/** w_step 500 of 400,000 total steps in the authors' README.md:65-70 (WID's maskEvery default). */
export { AUTHORS_MASK_EVERY } from '../../../shared/api/method-options.js';

export function authorsWStep(totalSteps: number, maskEvery: number): number {
  return Math.max(1, Math.round(maskEvery * totalSteps));
}

/** When the authors' masks come: after `first` completed steps, then every `every` steps. */
export interface AuthorsMaskSteps { first: number; every: number }

/** `firstMaskAt` (a share of the run) moves the first mask alone; without it the first comes after one w_step. */
export function authorsMaskSteps(totalSteps: number, maskEvery: number, firstMaskAt?: number): AuthorsMaskSteps {
  const every = authorsWStep(totalSteps, maskEvery);
  return { first: firstMaskAt === undefined ? every : Math.max(1, Math.round(firstMaskAt * totalSteps)), every };
}

/** Mask events held after `completed` steps (the k-th is due when this becomes k). */
export function authorsEventsAfter(completed: number, s: AuthorsMaskSteps): number {
  return completed < s.first ? 0 : Math.floor((completed - s.first) / s.every) + 1;
}

/** Whether a mask event is due right after `completed` steps. */
export const authorsEventDue = (completed: number, s: AuthorsMaskSteps): boolean =>
  completed >= s.first && (completed - s.first) % s.every === 0;

/** Widths at the k-th mask recomputation (k >= 1). */
export function authorsSizesAt(teacher: WidSizes, target: WidSizes, k: number): WidSizes {
  const att = sizesAtEvent(teacher, target, Math.min(k, AUTHORS_ATTENTION_EVENTS), AUTHORS_ATTENTION_EVENTS);
  return { ...att, intermediate: lerp(teacher.intermediate, target.intermediate, Math.min(k, AUTHORS_FFN_EVENTS), AUTHORS_FFN_EVENTS) };
}
