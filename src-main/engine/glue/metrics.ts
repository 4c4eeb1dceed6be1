// GLUE metrics as the benchmark defines them (the same formulas as scikit-learn / scipy, which the
// HF `glue` metric calls): accuracy, F1 of the positive class, Matthews correlation, Pearson and
// Spearman (average ranks for ties). Inputs are class indices (or scores for STS-B).
import { GLUE_TASKS, glueTask, type GlueMetricName } from './tasks.js';

function checkLengths(name: string, preds: ArrayLike<number>, labels: ArrayLike<number>): void {
  if (preds.length !== labels.length) throw new Error(`${name}: predictions (${preds.length}) and labels (${labels.length}) differ in length`);
  if (preds.length === 0) throw new Error(`${name}: no examples`);
}

export function accuracy(preds: ArrayLike<number>, labels: ArrayLike<number>): number {
  checkLengths('accuracy', preds, labels);
  let hit = 0;
  for (let i = 0; i < preds.length; i++) if (preds[i] === labels[i]) hit++;
  return hit / preds.length;
}

function confusion(preds: ArrayLike<number>, labels: ArrayLike<number>, positive: number) {
  let tp = 0, fp = 0, fn = 0, tn = 0;
  for (let i = 0; i < preds.length; i++) {
    const p = preds[i] === positive, t = labels[i] === positive;
    if (p && t) tp++; else if (p) fp++; else if (t) fn++; else tn++;
  }
  return { tp, fp, fn, tn };
}

/** F1 of the positive class (label 1), 0 when it has no true or predicted positives (sklearn's default). */
export function f1(preds: ArrayLike<number>, labels: ArrayLike<number>, positive = 1): number {
  checkLengths('f1', preds, labels);
  const { tp, fp, fn } = confusion(preds, labels, positive);
  return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
}

/** Matthews correlation for binary labels; 0 when undefined (a constant prediction or label column). */
export function matthewsCorrelation(preds: ArrayLike<number>, labels: ArrayLike<number>): number {
  checkLengths('matthewsCorrelation', preds, labels);
  const { tp, fp, fn, tn } = confusion(preds, labels, 1);
  const denom = Math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
  return denom === 0 ? 0 : (tp * tn - fp * fn) / denom;
}

export function pearson(xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  checkLengths('pearson', xs, ys);
  const n = xs.length;
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) { mx += xs[i]; my += ys[i]; }
  mx /= n; my /= n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i] - mx, dy = ys[i] - my;
    sxy += dx * dy; sxx += dx * dx; syy += dy * dy;
  }
  // A constant column has no correlation; scipy returns NaN, which would poison a GLUE average.
  return sxx === 0 || syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy);
}

/** 1-based ranks, ties get the average of the ranks they span (scipy.stats.rankdata 'average'). */
export function averageRanks(xs: ArrayLike<number>): number[] {
  const order = Array.from({ length: xs.length }, (_, i) => i).sort((a, b) => xs[a] - xs[b]);
  const ranks = new Array<number>(xs.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && xs[order[j + 1]] === xs[order[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]] = rank;
    i = j + 1;
  }
  return ranks;
}

export function spearman(xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  checkLengths('spearman', xs, ys);
  return pearson(averageRanks(xs), averageRanks(ys));
}

const METRIC_FNS: Record<GlueMetricName, (p: ArrayLike<number>, l: ArrayLike<number>) => number> = {
  accuracy, f1, mcc: matthewsCorrelation, pearson, spearman,
};

/** Every metric GLUE reports for a task (or dev split like "MNLI-m"), as fractions (not ×100). */
export function glueMetrics(task: string, preds: ArrayLike<number>, labels: ArrayLike<number>): Partial<Record<GlueMetricName, number>> {
  const spec = glueTask(task);
  const out: Partial<Record<GlueMetricName, number>> = {};
  for (const m of spec.metrics) out[m] = METRIC_FNS[m](preds, labels);
  return out;
}

/** The single task score GLUE ranks by: the mean of the task's metrics (MRPC: (F1+acc)/2, STS-B: (r+ρ)/2). */
export function glueTaskScore(task: string, metrics: Partial<Record<string, number>>): number | null {
  const spec = glueTask(task);
  const vals = spec.metrics.map((m) => metrics[m]);
  if (vals.some((v) => v === undefined || !Number.isFinite(v))) return null;
  return (vals as number[]).reduce((a, b) => a + b, 0) / vals.length;
}

export { GLUE_TASKS };
