// The Pareto view's data: every scored model as a point (GLUE average against parameters, latency at batch 1 or
// throughput at batch 32), its method (teacher, or the method of the run that made the student), and the frontier:
// the points no other point beats on both cost and score.
import type { GlueComparisonTable, ModelRecord, RunRecord } from '../../../src-main/shared/api/index.js';

export type ParetoAxis = 'parameters' | 'latency' | 'throughput';
export const PARETO_AXES: { id: ParetoAxis; label: string; better: 'lower' | 'higher'; unit: string }[] = [
  { id: 'parameters', label: 'Parameters', better: 'lower', unit: 'parameters' },
  { id: 'latency', label: 'Latency b1 (ms)', better: 'lower', unit: 'ms per sequence, batch 1, 128 tokens' },
  { id: 'throughput', label: 'Throughput b32 (seq/s)', better: 'higher', unit: 'sequences/s at batch 32, 128 tokens' },
];

export interface ParetoPoint {
  modelId: number; name: string; method: string; runId: number | null; kind: 'teacher' | 'student';
  parameters: number | null; latency: number | null; throughput: number | null; score: number; tasks: string[];
}

/** `table` is compare.table for `models` (all of them, no teacher), rows in the same order. */
export function paretoPoints(models: ModelRecord[], table: GlueComparisonTable, runs: RunRecord[]): ParetoPoint[] {
  return models.flatMap((m, i) => {
    const r = table.rows[i];
    if (!r || r.average == null) return [];
    const source = runs.find((x) => x.id === m.sourceRunId);
    return [{
      modelId: m.id, name: m.name, kind: m.kind, runId: m.sourceRunId, method: m.kind === 'teacher' ? 'teacher' : source?.method ?? 'student',
      parameters: r.parameterCount, latency: r.latencyMsBatch1, throughput: r.throughputBatch32, score: 100 * r.average,
      tasks: table.tasks.filter((t) => r.scores[t] != null),
    }];
  });
}

export const axisValue = (p: ParetoPoint, axis: ParetoAxis) => (axis === 'parameters' ? p.parameters : axis === 'latency' ? p.latency : p.throughput);

/** Points on the frontier for this axis, cheapest first: each scores higher than every point at least as cheap. */
export function frontier(points: ParetoPoint[], axis: ParetoAxis): ParetoPoint[] {
  const better = PARETO_AXES.find((a) => a.id === axis)!.better;
  const cost = (p: ParetoPoint) => (better === 'lower' ? axisValue(p, axis)! : -axisValue(p, axis)!);
  const sorted = points.filter((p) => axisValue(p, axis) != null).sort((a, b) => cost(a) - cost(b) || b.score - a.score);
  const out: ParetoPoint[] = [];
  let best = -Infinity;
  for (const p of sorted) if (p.score > best) { out.push(p); best = p.score; }
  return out;
}

export const METHOD_COLOURS: Record<string, string> = { teacher: '#111827', wid: '#2563eb', distilbert: '#dc2626', tinybert: '#059669', student: '#7c3aed' };
export const METHOD_SHAPES: Record<string, 'circle' | 'square' | 'diamond' | 'triangle' | 'star'> = { teacher: 'star', wid: 'circle', distilbert: 'square', tinybert: 'triangle', student: 'diamond' };

export function paretoCsv(points: ParetoPoint[]): string {
  const fronts = Object.fromEntries(PARETO_AXES.map((a) => [a.id, new Set(frontier(points, a.id).map((p) => p.modelId))]));
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const head = 'model id,model,method,run,parameters,latency ms (b1),throughput seq/s (b32),GLUE avg (x100),tasks,frontier (parameters),frontier (latency),frontier (throughput)';
  return [head, ...points.map((p) => [p.modelId, q(p.name), p.method, p.runId ?? '', p.parameters ?? '', p.latency ?? '', p.throughput ?? '', p.score.toFixed(2), q(p.tasks.join(' ')),
    ...PARETO_AXES.map((a) => (fronts[a.id].has(p.modelId) ? 'yes' : 'no'))].join(','))].join('\n') + '\n';
}
