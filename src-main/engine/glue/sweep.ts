// A small hyper-parameter grid (learning rate × epochs, as BERT's paper searched), one fine-tune per
// point, the best point chosen by its best dev score. Every point is returned so callers can store it.
import type { FineTuneArgs, FineTuneHyperParams, FineTuneProgress, FineTuneResult } from './finetune.js';
import { fineTune } from './finetune.js';
import type { BertWeights } from '../bert/index.js';

export interface SweepGrid {
  lr: number[];
  /** Defaults to the base hyper-parameters' epochs. */
  epochs?: number[];
}

export interface SweepPoint { index: number; hp: FineTuneHyperParams; result: FineTuneResult }

export interface SweepResult {
  points: SweepPoint[];
  best: SweepPoint;
}

/** Wall seconds of training and of evaluation over every point of a sweep (FineTuneResult.seconds summed). */
export function sweepSeconds(r: SweepResult): { train: number; evaluate: number } {
  return {
    train: r.points.reduce((n, p) => n + p.result.seconds.train, 0),
    evaluate: r.points.reduce((n, p) => n + p.result.seconds.evaluate, 0),
  };
}

/** The grid's hyper-parameter sets, lr-major, each a copy of `base` with lr/epochs replaced. */
export function sweepPoints(base: FineTuneHyperParams, grid: SweepGrid): FineTuneHyperParams[] {
  if (!Array.isArray(grid.lr) || grid.lr.length === 0) throw new Error('sweep.lr must be a non-empty list of learning rates');
  const epochs = grid.epochs?.length ? grid.epochs : [base.epochs];
  return grid.lr.flatMap((lr) => epochs.map((e) => ({ ...base, lr, epochs: e })));
}

/**
 * Runs every grid point. With keepBestWeights, only the winning point's best weights are kept
 * (the others are disposed as soon as they lose), so memory holds at most two copies.
 */
export async function fineTuneSweep(
  args: Omit<FineTuneArgs, 'onProgress'> & { onProgress?: (point: number, p: FineTuneProgress) => void; onPoint?: (p: SweepPoint) => void },
  grid: SweepGrid,
): Promise<SweepResult> {
  const points: SweepPoint[] = [];
  let best: SweepPoint | null = null;
  const drop = (w?: BertWeights) => { if (w) for (const t of Object.values(w)) t.dispose(); };
  try {
    for (const [index, hp] of sweepPoints(args.hp, grid).entries()) {
      const result = await fineTune({ ...args, hp, onProgress: (p) => args.onProgress?.(index, p) });
      const point = { index, hp, result };
      points.push(point);
      args.onPoint?.(point);
      if (!best || result.best.score > best.result.best.score) {
        drop(best?.result.bestWeights);
        if (best) best.result.bestWeights = undefined;
        best = point;
      } else {
        drop(result.bestWeights);
        result.bestWeights = undefined;
      }
    }
  } catch (err) {
    drop(best?.result.bestWeights);
    throw err;
  }
  return { points, best: best! };
}
