// Comparison table of runs: parameter count, per-task scores, their mean and % of a reference (teacher) run
// (over the tasks both were scored on); rendered as Markdown or CSV for the exported report. The Runs tab builds it
// from compare.table (comparisonFromTable), scoring each run by the model the run list scores it by, so a
// distillation run shows its student's fine-tuned scores; scores are fractions, printed ×100 like every other view.
import type { EvaluationRecord, GlueComparisonTable, ModelRecord, RunRecord } from '../../../src-main/shared/api/index.js';
import { scoredModelId } from './runScores.js';

export interface ComparisonRow {
  runId: number;
  name: string;
  method: string;
  parameters: number | null;
  /** task -> score (the latest evaluation of that task; several metrics are averaged). */
  scores: Record<string, number>;
  mean: number | null;
  percentOfReference: number | null;
}

function taskScores(evals: EvaluationRecord[]): Record<string, number> {
  const byTask: Record<string, number[]> = {};
  // task 'efficiency' holds sizes and timings (finetune/evaluate jobs), not a score to average (added by GLUE)
  for (const e of evals) if (e.task !== 'efficiency') (byTask[e.task] ??= []).push(e.value);
  return Object.fromEntries(Object.entries(byTask).map(([t, v]) => [t, v.reduce((s, x) => s + x, 0) / v.length]));
}

export function buildComparison(runs: RunRecord[], evaluations: Record<number, EvaluationRecord[]>, referenceRunId: number | null): ComparisonRow[] {
  const rows = runs.map((r) => {
    const scores = taskScores(evaluations[r.id] ?? []);
    const values = Object.values(scores);
    const p = r.result?.parameterCount;
    return {
      runId: r.id, name: r.name || `run ${r.id}`, method: r.method,
      parameters: typeof p === 'number' ? p : null,
      scores, mean: values.length ? values.reduce((s, x) => s + x, 0) / values.length : null, percentOfReference: null as number | null,
    };
  });
  const ref = rows.find((r) => r.runId === referenceRunId);
  // over the tasks both have (as compare.table does), so a run scored on fewer tasks is not compared on others
  const meanOf = (scores: Record<string, number>, tasks: string[]) => tasks.reduce((s, t) => s + scores[t], 0) / tasks.length;
  for (const r of rows) {
    const shared = ref ? Object.keys(r.scores).filter((t) => t in ref.scores) : [];
    const refMean = ref && shared.length ? meanOf(ref.scores, shared) : 0;
    if (refMean) r.percentOfReference = (meanOf(r.scores, shared) / refMean) * 100;
  }
  return rows;
}

/**
 * Rows for runs from compare.table asked for `modelIds` (rows in that order) with the reference run's model as
 * teacher: every figure is the server's. A run with no scored model gets an empty row.
 */
export function comparisonFromTable(runs: RunRecord[], models: ModelRecord[], modelIds: number[], table: GlueComparisonTable | null): ComparisonRow[] {
  const byModel = new Map(table ? modelIds.map((id, i) => [id, table.rows[i]]) : []);
  return runs.map((r) => {
    const id = scoredModelId(r, models);
    const row = id == null ? undefined : byModel.get(id);
    const p = r.result?.parameterCount ?? row?.parameterCount;
    const scores = Object.fromEntries(Object.entries(row?.scores ?? {}).filter((e): e is [string, number] => e[1] != null));
    return {
      runId: r.id, name: r.name || `run ${r.id}`, method: r.method, parameters: typeof p === 'number' ? p : null,
      scores, mean: row?.average ?? null, percentOfReference: row?.percentOfTeacher ?? null,
    };
  });
}

export const comparisonTasks = (rows: ComparisonRow[]) => [...new Set(rows.flatMap((r) => Object.keys(r.scores)))].sort();

/** One model or run in the score charts (ScoreCharts.svelte): a scatter point and a bar per task. */
export interface ChartEntry { label: string; parameters: number | null; average: number | null; scores: Record<string, number | null> }

export const runChartEntries = (rows: ComparisonRow[]): ChartEntry[] =>
  rows.map((r) => ({ label: `#${r.runId} ${r.name}`, parameters: r.parameters, average: r.mean == null ? null : 100 * r.mean,
    scores: Object.fromEntries(Object.entries(r.scores).map(([t, v]) => [t, 100 * v])) }));

function table(rows: ComparisonRow[]): string[][] {
  const tasks = comparisonTasks(rows);
  const fmt = (v: number | null | undefined) => (v == null ? '' : (100 * v).toFixed(1));
  return [
    ['run', 'name', 'method', 'parameters', ...tasks, 'mean', '% of reference'],
    ...rows.map((r) => [String(r.runId), r.name, r.method, r.parameters == null ? '' : String(r.parameters),
      ...tasks.map((t) => fmt(r.scores[t])), fmt(r.mean), r.percentOfReference == null ? '' : r.percentOfReference.toFixed(1)]),
  ];
}

export function comparisonCsv(rows: ComparisonRow[]): string {
  const quote = (c: string) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
  return table(rows).map((r) => r.map(quote).join(',')).join('\n') + '\n';
}

export function comparisonMarkdown(rows: ComparisonRow[], title = 'Comparison'): string {
  const [head, ...body] = table(rows);
  const cell = (c: string) => c.replace(/\|/g, '\\|');
  return [`# ${title}`, '', `| ${head.map(cell).join(' | ')} |`, `|${head.map(() => ' --- ').join('|')}|`,
    ...body.map((r) => `| ${r.map(cell).join(' | ')} |`), ''].join('\n');
}
