// The comparison table as CSV (RFC 4180 quoting) and as a GitHub Markdown table. Scores are shown
// ×100 with one decimal, as GLUE papers print them; an empty cell means "not evaluated".
import type { ComparisonRow, ComparisonTable } from './comparison.js';

/** A table as stored or sent (older tables have no flopsPerToken). */
export type ExportableTable = Omit<ComparisonTable, 'rows'> & { rows: (Omit<ComparisonRow, 'flopsPerToken'> & { flopsPerToken?: number | null })[] };

const pct = (v: number | null) => (v === null ? '' : (100 * v).toFixed(1));
const num = (v: number | null, digits = 1) => (v === null ? '' : v.toFixed(digits));
const int = (v: number | null) => (v === null ? '' : String(Math.round(v)));

function cells(table: ExportableTable): string[][] {
  const header = ['model', 'parameters', 'MFLOPs/token', 'file bytes', 'latency ms (b1)', 'throughput/s (b32)', ...table.tasks, 'GLUE avg', '% of teacher'];
  const body = table.rows.map((r) => [
    r.isTeacher ? `${r.name} (teacher)` : r.name,
    int(r.parameterCount), r.flopsPerToken == null ? '' : (r.flopsPerToken / 1e6).toFixed(2), int(r.fileSize), num(r.latencyMsBatch1, 2), num(r.throughputBatch32, 1),
    ...table.tasks.map((t) => pct(r.scores[t])),
    pct(r.average), num(r.percentOfTeacher, 1),
  ]);
  return [header, ...body];
}

const csvCell = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function toCsv(table: ExportableTable): string {
  return cells(table).map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}

const mdCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

export function toMarkdown(table: ExportableTable): string {
  const [header, ...body] = cells(table);
  const align = header.map((_, i) => (i === 0 ? '---' : '---:'));
  return [header, align, ...body].map((row) => `| ${row.map(mdCell).join(' | ')} |`).join('\n') + '\n';
}
