// Models × GLUE tasks (the `compare.table` API): which request the picks make, how the cells are printed,
// and the chart entries. Numbers are never recomputed here: every figure comes from the server's table.
import type { GlueComparisonTable, ModelRecord, ScoreSource } from '../../../src-main/shared/api/index.js';
import type { ChartEntry } from './comparison.js';

export type ModelTable = GlueComparisonTable;
export type ModelRow = GlueComparisonTable['rows'][number];

export interface ModelPicks { modelIds: number[]; teacherModelId: number | null }

/**
 * First visit: every registered model; as the reference, the first teacher-kind model that has GLUE scores (a
 * teacher registered twice and scored once must not make every "% of teacher" cell empty), else the first teacher.
 * `scored` holds the ids of models with at least one task score.
 */
export function defaultPicks(models: ModelRecord[], scored: ReadonlySet<number> = new Set()): ModelPicks {
  const teachers = models.filter((m) => m.kind === 'teacher');
  return { modelIds: models.map((m) => m.id), teacherModelId: (teachers.find((m) => scored.has(m.id)) ?? teachers[0])?.id ?? null };
}

/** Ids of the models whose compare.table row (rows in `modelIds` order, no teacher) has any task score. */
export function scoredIds(modelIds: number[], table: GlueComparisonTable): Set<number> {
  return new Set(modelIds.filter((_, i) => Object.values(table.rows[i]?.scores ?? {}).some((v) => v != null)));
}

/** The compare.table / compare.export request for the picks; null when nothing is picked. */
export function compareRequest(p: ModelPicks): { modelIds: number[]; teacherModelId?: number } | null {
  const modelIds = p.modelIds.filter((id) => id !== p.teacherModelId);
  if (p.teacherModelId == null) return modelIds.length ? { modelIds } : null;
  return { modelIds, teacherModelId: p.teacherModelId };
}

/** The tasks to ask for when some of the available ones are left out; undefined = all (the server's default). */
export function taskSelection(available: string[], excluded: ReadonlySet<string>): string[] | undefined {
  return available.some((t) => excluded.has(t)) ? available.filter((t) => !excluded.has(t)) : undefined;
}

const dash = '—';
/** Task scores and the GLUE average are fractions; shown ×100 with one decimal as GLUE papers (and the export) print them. */
export const formatScore = (v: number | null) => (v == null ? dash : (100 * v).toFixed(1));
export const formatPercent = (v: number | null) => (v == null ? dash : `${v.toFixed(1)} %`);
export const formatInteger = (v: number | null) => (v == null ? dash : Math.round(v).toLocaleString('en-US'));
export const formatMs = (v: number | null) => (v == null ? dash : v.toFixed(2));
export const formatRate = (v: number | null) => (v == null ? dash : v.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 }));

/** Parameter counts as papers print them: 345.9 k, 14.5 M, 1.10 B (the exact count stays in the cell's title). */
export function formatParams(v: number | null): string {
  if (v == null) return dash;
  if (v >= 1e9) return `${(v / 1e9).toFixed(2)} B`;
  if (v >= 1e6) return `${(v / 1e6).toFixed(1)} M`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(1)} k`;
  return String(v);
}

/** A column of the models × tasks table: 'name', a task, or one of the row's numeric fields. */
export type TableColumn = 'name' | 'average' | 'percentOfTeacher' | 'parameterCount' | 'flopsPerToken' | 'fileSize' | 'latencyMsBatch1' | 'throughputBatch32' | `task:${string}`;

function cellValue(r: ModelRow, c: TableColumn): string | number | null {
  if (c === 'name') return r.name;
  if (c.startsWith('task:')) return r.scores[c.slice(5)] ?? null;
  return r[c as Exclude<TableColumn, 'name' | `task:${string}`>] ?? null;
}

/** Rows sorted by a column; blanks last either way, ties in the server's order. */
export function sortTableRows(rows: ModelRow[], column: TableColumn, order: 'asc' | 'desc'): ModelRow[] {
  const sign = order === 'asc' ? 1 : -1;
  return rows.map((r, i) => ({ r, i })).sort((a, b) => {
    const va = cellValue(a.r, column), vb = cellValue(b.r, column);
    if (va == null || vb == null) return va == null && vb == null ? a.i - b.i : va == null ? 1 : -1;
    const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
    return c === 0 ? a.i - b.i : sign * c;
  }).map((x) => x.r);
}

export function formatBytes(v: number | null): string {
  if (v == null) return dash;
  if (v >= 2 ** 30) return `${(v / 2 ** 30).toFixed(2)} GiB`;
  if (v >= 2 ** 20) return `${(v / 2 ** 20).toFixed(2)} MiB`;
  if (v >= 2 ** 10) return `${(v / 2 ** 10).toFixed(1)} KiB`;
  return `${v} B`;
}

export const rowLabel = (r: ModelRow) => (r.isTeacher ? `${r.name} (teacher)` : r.name);

/** Scatter (parameters vs GLUE average) and per-task bars, scores ×100 as in the table. */
export function modelChartEntries(table: ModelTable): ChartEntry[] {
  return table.rows.map((r) => ({
    label: rowLabel(r),
    parameters: r.parameterCount,
    average: r.average == null ? null : 100 * r.average,
    scores: Object.fromEntries(table.tasks.map((t) => [t, r.scores[t] == null ? null : 100 * r.scores[t]!])),
  }));
}

/** Forward FLOPs per token as MFLOPs (ALBERT: every application of its shared layer counted). */
export function formatFlops(v: number | null | undefined): string {
  return v == null ? dash : `${(v / 1e6).toFixed(v >= 1e8 ? 0 : 2)} M`;
}

/** Model ids in the order compare.table returns its rows for this request (the teacher first when given). */
export const tableModelIds = (req: { modelIds: number[]; teacherModelId?: number }) =>
  [...new Set(req.teacherModelId !== undefined ? [req.teacherModelId, ...req.modelIds] : req.modelIds)];

/** compare.sources keyed by the table's row name, then task. */
export function sourcesByRow(table: GlueComparisonTable, ids: number[], sources: ScoreSource[]): Record<string, Record<string, ScoreSource>> {
  const out: Record<string, Record<string, ScoreSource>> = {};
  table.rows.forEach((r, i) => {
    const mine = sources.filter((s) => s.modelId === ids[i]);
    if (mine.length) out[r.name] = Object.fromEntries(mine.map((s) => [s.task, s]));
  });
  return out;
}
