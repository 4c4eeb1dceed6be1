// Seeds pooled in the comparison tables (Compare → Models × tasks, Compare → Runs): the models or runs that differ
// only by seed become one row whose scores are mean ± std over the runs that made them (seeds.ts' grouping), so a
// table of single runs says how much of a gap the seeds alone would make.
import type { EvaluationRecord, GlueComparisonTable, ModelRecord, RunRecord, ScoreSource } from '../../../src-main/shared/api/index.js';
import { baseName, runTaskScores, seedKey, stat, type Stat } from './seeds.js';

/** One run's scores by task (fractions). */
export interface Replicate { runId: number; seed: number; scores: Record<string, number> }

export interface SeedPool {
  key: string;
  label: string;
  /** What the row pools: model or run labels. */
  members: string[];
  seeds: number[];
  /** Runs pooled: the fine-tunes behind a model row's scores, the chosen runs of a run row. */
  n: number;
  replicates: Replicate[];
  tasks: Record<string, Stat>;
  average: Stat | null;
}

/**
 * Per task over the replicates that scored it; the average over the replicates that scored every task (a replicate
 * missing one would move the mean), else over `fallbackAverages` (e.g. each model's average as the server made it).
 */
export function poolReplicates(key: string, label: string, members: string[], replicates: Replicate[], tasks: string[], fallbackAverages: number[] = [],
  runSeeds?: number[]): SeedPool {
  const byTask: Record<string, Stat> = {};
  for (const t of tasks) { const s = stat(replicates.map((r) => r.scores[t]).filter((v): v is number => v != null)); if (s) byTask[t] = s; }
  const complete = replicates.filter((r) => tasks.length > 0 && tasks.every((t) => r.scores[t] != null));
  const average = complete.length ? stat(complete.map((r) => tasks.reduce((a, t) => a + r.scores[t], 0) / tasks.length)) : stat(fallbackAverages);
  const seeds = [...new Set(runSeeds ?? replicates.map((r) => r.seed))].sort((a, b) => a - b);
  return { key, label, members, seeds, n: runSeeds?.length ?? replicates.length, replicates, tasks: byTask, average };
}

const scoring = (r: RunRecord) => (r.method === 'finetune' || r.method === 'evaluate') && r.status === 'completed';

/**
 * Models × tasks: models whose distillation runs differ only by seed are one row (a teacher, or a model no run made,
 * is its own); its replicates are every completed fine-tune of those models with the settings of a run behind a
 * shown score (compare.sources) but any seed, so the fine-tune seeds count too.
 */
export function poolModels(table: GlueComparisonTable, modelIds: number[], models: ModelRecord[], runs: RunRecord[],
  evaluations: Record<number, EvaluationRecord[]>, sources: Record<string, Record<string, ScoreSource>>): SeedPool[] {
  const pools = new Map<string, { label: string; rows: number[] }>();
  table.rows.forEach((row, i) => {
    const m = models.find((x) => x.id === modelIds[i]);
    const source = m?.sourceRunId == null ? undefined : runs.find((r) => r.id === m.sourceRunId);
    const key = source ? `run:${seedKey(source, runs, models)}` : `model:${modelIds[i]}`;
    const p = pools.get(key) ?? { label: row.isTeacher ? `${row.name} (teacher)` : row.name, rows: [] };
    p.rows.push(i);
    pools.set(key, p);
  });
  return [...pools].map(([key, p]) => {
    const ids = new Set(p.rows.map((i) => modelIds[i]));
    const settings = new Set(p.rows.flatMap((i) => Object.values(sources[table.rows[i].name] ?? {}))
      .map((s) => runs.find((r) => r.id === s.runId)).filter((r): r is RunRecord => !!r).map((r) => seedKey(r, runs, models)));
    const replicates = runs.filter((r) => scoring(r) && ids.has(r.config.modelId as number) && settings.has(seedKey(r, runs, models)))
      .map((r) => ({ runId: r.id, seed: r.seed, scores: pick(runTaskScores(evaluations[r.id] ?? []), table.tasks) }))
      .filter((r) => Object.keys(r.scores).length);
    const fallback = p.rows.map((i) => table.rows[i].average).filter((v): v is number => v != null);
    return poolReplicates(key, p.label, p.rows.map((i) => table.rows[i].name), replicates, table.tasks, fallback);
  }).filter((p) => p.n > 0 || p.average); // a model with no score at all has nothing to pool
}

/**
 * Compare → Runs: chosen runs that differ only by seed are one row. A fine-tune is scored by its own evaluations;
 * a distillation run by its student's scores as the comparison shows them (`scoresOf`).
 */
export function poolRuns(chosen: RunRecord[], runs: RunRecord[], models: ModelRecord[], evaluations: Record<number, EvaluationRecord[]>,
  scoresOf: (run: RunRecord) => Record<string, number>, tasks: string[]): SeedPool[] {
  const pools = new Map<string, RunRecord[]>();
  for (const r of chosen) { const k = seedKey(r, runs, models); pools.set(k, [...(pools.get(k) ?? []), r]); }
  return [...pools].map(([key, rs]) => {
    const replicates = rs.map((r) => ({ runId: r.id, seed: r.seed, scores: pick(scoring(r) ? runTaskScores(evaluations[r.id] ?? []) : scoresOf(r), tasks) }))
      .filter((r) => Object.keys(r.scores).length);
    return poolReplicates(key, baseName(rs[0].name) || `run ${rs[0].id}`, rs.map((r) => `#${r.id}`), replicates, tasks, [], rs.map((r) => r.seed));
  });
}

function pick(scores: Record<string, number>, tasks: string[]): Record<string, number> {
  return Object.fromEntries(tasks.filter((t) => scores[t] != null).map((t) => [t, scores[t]]));
}
