// Compare → Runs curves: which metric, which runs' series may share an axis, and the view transforms (per-run
// normalisation, smoothing, wall-clock x). A loss only overlays another when both runs optimise the same objective:
// WID's hard MLM loss (~0.01 early on) and DistilBERT's summed soft-target + MLM + cosine loss (~16) are different
// quantities, so each objective gets its own chart.
import type { RunRecord } from '../../../src-main/shared/api/index.js';
import { isLossName, type SeriesMap } from './metricSeries.js';

type Point = { x: number; y: number };

/** What `loss` means for this run: its method and, where the method offers a choice, the objective it used. */
export function objectiveKey(run: RunRecord): string {
  if (run.method !== 'wid') return run.method;
  const c = run.config as { wid?: { objective?: unknown }; methodOptions?: { objective?: unknown } };
  const objective = c.wid?.objective ?? c.methodOptions?.objective;
  return typeof objective === 'string' ? `wid (${objective})` : 'wid (default objective)';
}

export interface CurveGroup { key: string; runIds: number[] }

/** Runs whose `metric` series mean the same thing: losses by objective, every other metric together. */
export function comparableGroups(metric: string, runs: RunRecord[]): CurveGroup[] {
  if (!isLossName(metric)) return runs.length ? [{ key: metric, runIds: runs.map((r) => r.id) }] : [];
  const groups = new Map<string, number[]>();
  for (const r of runs) groups.set(objectiveKey(r), [...(groups.get(objectiveKey(r)) ?? []), r.id]);
  return [...groups].map(([key, runIds]) => ({ key: `${metric} · ${key}`, runIds }));
}

/** Divides by the first non-zero value, so runs of different scales compare by their relative change. */
export function normalise(points: Point[]): Point[] {
  const base = points.find((p) => p.y !== 0)?.y;
  return base == null ? points : points.map((p) => ({ x: p.x, y: p.y / base }));
}

/** Exponential moving average with TensorBoard's debiasing (the first points are not pulled towards 0). */
export function smooth(points: Point[], weight: number): Point[] {
  if (weight <= 0) return points;
  let last = 0;
  return points.map((p, i) => {
    last = last * weight + (1 - weight) * p.y;
    return { x: p.x, y: last / (1 - weight ** (i + 1)) };
  });
}

/**
 * Seconds since the run (session) started at each step, from the loop's own figures: tokensPerSec is the session's
 * tokens over its seconds, so seconds = cumulative tokens / tokensPerSec. Null when the run did not report both.
 */
export function wallClockSeconds(m: SeriesMap): Map<number, number> | null {
  const tokens = m.tokens, rate = m.tokensPerSec;
  if (!tokens?.length || !rate?.length) return null;
  const rateAt = new Map(rate.map((p) => [p.x, p.y]));
  const out = new Map<number, number>();
  let seen = 0;
  for (const p of tokens) {
    // A resumed run's second session restarts tokensPerSec (and the store keeps only its points after the resume),
    // so its times are those of a run that had gone straight through at the latest session's rate.
    seen += p.y;
    const r = rateAt.get(p.x);
    if (r && r > 0) out.set(p.x, seen / r);
  }
  return out;
}

/** The points of one series as drawn: x by step or wall clock (points without a time are dropped), then transforms. */
export function viewSeries(m: SeriesMap, metric: string, o: { x: 'step' | 'seconds'; normalise: boolean; smoothing: number }): Point[] | null {
  let pts: Point[] = m[metric] ?? [];
  if (o.x === 'seconds') {
    const t = wallClockSeconds(m);
    if (!t) return null;
    pts = pts.filter((p) => t.has(p.x)).map((p) => ({ x: t.get(p.x)!, y: p.y }));
  }
  if (o.normalise) pts = normalise(pts);
  return smooth(pts, o.smoothing);
}

/** Metric names the chosen runs reported, losses first, then alphabetical. */
export function metricNames(maps: SeriesMap[]): string[] {
  const names = [...new Set(maps.flatMap((m) => Object.keys(m)))];
  return names.sort((a, b) => Number(isLossName(b)) - Number(isLossName(a)) || (a === 'loss' ? -1 : b === 'loss' ? 1 : a.localeCompare(b)));
}
