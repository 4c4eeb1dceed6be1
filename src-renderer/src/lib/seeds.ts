// Seeds as first-class: runs that differ only by their seed are one experiment repeated. They are grouped by
// everything else they ran with (method and config without seed, name and the paths the service derives); a
// fine-tune of a student counts the student's own run's settings instead of the model id, so the fine-tunes of the
// students of a WID run repeated with three seeds group together too. Each group gets mean ± sample standard
// deviation and n; a difference between two groups smaller than their seed spread is flagged as such.
import type { EvaluationRecord, ModelRecord, RunRecord } from '../../../src-main/shared/api/index.js';

const IGNORED = new Set(['seed', 'name', 'teacherPath', 'corpusPath', 'gluePath', 'modelPath']);

function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().filter((k) => !IGNORED.has(k)).map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

/** What a run ran with, seed aside. */
export function seedKey(run: RunRecord, runs: RunRecord[], models: ModelRecord[], depth = 0): string {
  const config = { ...run.config };
  if ((run.method === 'finetune' || run.method === 'evaluate') && typeof config.modelId === 'number' && depth < 3) {
    const m = models.find((x) => x.id === config.modelId);
    const source = m?.sourceRunId == null ? undefined : runs.find((r) => r.id === m.sourceRunId);
    if (source) { delete config.modelId; config.studentOf = seedKey(source, runs, models, depth + 1); }
  }
  return `${run.method}|${stable(config)}`;
}

export interface Stat { mean: number; std: number | null; n: number; values: number[] }

/** Mean and sample standard deviation (null below two values). */
export function stat(values: number[]): Stat | null {
  if (!values.length) return null;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = values.length > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1)) : null;
  return { mean, std, n: values.length, values };
}

export interface SeedGroup {
  key: string;
  label: string;
  method: string;
  runs: RunRecord[];
  seeds: number[];
  /** task -> per-run scores (fractions) */
  tasks: Record<string, Stat>;
  average: Stat | null;
  finalLoss: Stat | null;
}

/** Scores of one run by task: the `score` metric of each split a fine-tune stored (efficiency figures left out). */
export function runTaskScores(evals: EvaluationRecord[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of evals) if (e.task !== 'efficiency' && e.metric === 'score') out[e.task] = e.value;
  return out;
}

/** The label a group is known by: its first run's name without a trailing "(seed N)" / "· seed N", and the method. */
export const baseName = (name: string) => name.replace(/\s*(\(seed \d+\)|[·,-]?\s*seed \d+)\s*$/i, '').trim();

export function seedGroups(runs: RunRecord[], models: ModelRecord[], evaluations: Record<number, EvaluationRecord[]>): SeedGroup[] {
  const done = runs.filter((r) => r.status === 'completed');
  const byKey = new Map<string, RunRecord[]>();
  for (const r of done) { const k = seedKey(r, runs, models); byKey.set(k, [...(byKey.get(k) ?? []), r]); }
  return [...byKey].map(([key, rs]) => {
    rs.sort((a, b) => a.seed - b.seed || a.id - b.id);
    const perRun = rs.map((r) => runTaskScores(evaluations[r.id] ?? []));
    const taskNames = [...new Set(perRun.flatMap((s) => Object.keys(s)))].sort();
    const tasks: Record<string, Stat> = {};
    for (const t of taskNames) { const s = stat(perRun.map((p) => p[t]).filter((v): v is number => v != null)); if (s) tasks[t] = s; }
    // a run's average over the tasks every run of the group has, so a missing task does not move the mean
    const common = taskNames.filter((t) => perRun.every((p) => p[t] != null));
    const average = common.length ? stat(perRun.map((p) => common.reduce((a, t) => a + p[t], 0) / common.length)) : null;
    const losses = rs.map((r) => r.result?.finalLoss).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    return { key, label: `${baseName(rs[0].name) || `run ${rs[0].id}`}`, method: rs[0].method, runs: rs, seeds: rs.map((r) => r.seed), tasks, average, finalLoss: stat(losses) };
  }).sort((a, b) => b.runs.length - a.runs.length || a.runs[0].id - b.runs[0].id);
}

/**
 * Whether the gap between two means is inside the seeds' noise: no larger than the larger of the two standard
 * deviations (or, with one of them unknown, the other). Null when neither spread is known (n = 1 both).
 */
export function withinSpread(a: Stat, b: Stat): boolean | null {
  const spread = Math.max(a.std ?? -1, b.std ?? -1);
  if (spread < 0) return null;
  return Math.abs(a.mean - b.mean) <= spread + 1e-12;
}

/** "81.2 ± 1.3 (n=3)" for fractions shown ×100; "81.2 (n=1)" without a spread. */
export function formatStat(s: Stat | null, scale = 100, digits = 1): string {
  if (!s) return '—';
  return `${(s.mean * scale).toFixed(digits)}${s.std == null ? '' : ` ± ${(s.std * scale).toFixed(digits)}`} (n=${s.n})`;
}

/** Mean ± std of several curves at each step every one of them reached. */
export function curveBand(curves: { x: number; y: number }[][]): { x: number; mean: number; lo: number; hi: number }[] {
  if (!curves.length) return [];
  const maps = curves.map((c) => new Map(c.map((p) => [p.x, p.y])));
  const steps = [...maps[0].keys()].filter((x) => maps.every((m) => m.has(x))).sort((a, b) => a - b);
  return steps.map((x) => {
    const s = stat(maps.map((m) => m.get(x)!))!;
    const sd = s.std ?? 0;
    return { x, mean: s.mean, lo: s.mean - sd, hi: s.mean + sd };
  });
}

export type VersusBest = { gap: number; text: string; kind: 'best' | 'within' | 'beyond' | 'unknown' };

/**
 * Each item's GLUE average against the best one's: the gap (×100) and whether it is within the seed spread
 * (withinSpread), beyond it, or unknown (n = 1 on both sides). Keyed by item key; items without an average are left out.
 */
export function versusBest<T extends { key: string; average: Stat | null }>(items: T[]): Map<string, VersusBest> {
  const scored = items.filter((g) => g.average);
  const best = scored.reduce<T | null>((b, g) => (!b || g.average!.mean > b.average!.mean ? g : b), null);
  const out = new Map<string, VersusBest>();
  if (!best) return out;
  for (const g of scored) {
    if (g === best) { out.set(g.key, { gap: 0, text: 'best', kind: 'best' }); continue; }
    const gap = (g.average!.mean - best.average!.mean) * 100;
    const within = withinSpread(g.average!, best.average!);
    out.set(g.key, within === null ? { gap, text: `${gap.toFixed(1)} (n=1 both: spread unknown)`, kind: 'unknown' }
      : within ? { gap, text: `${gap.toFixed(1)}: within the seed spread`, kind: 'within' } : { gap, text: `${gap.toFixed(1)}: beyond the seed spread`, kind: 'beyond' });
  }
  return out;
}
