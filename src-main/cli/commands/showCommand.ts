// wid show ID: everything about one run: config, status, backend/device, progress, result,
// a summary of each metric series, evaluations and artifacts.
import { describeStepPath, type StepPath } from '../../engine/capture/step-path.js';
import { describeRecordedPrecision } from '../../engine/train/training-precision.js';
import type { MetricPoint } from '../../shared/api/index.js';
import type { Service } from '../../app/service/contract.js';
import { formatNumber, textTable } from '../textTable.js';

export interface MetricSummary { name: string; points: number; first: number; last: number; min: number; max: number; lastStep: number }

export function summarizeMetrics(points: MetricPoint[]): MetricSummary[] {
  const byName = new Map<string, MetricPoint[]>();
  for (const p of points) byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
  return [...byName.entries()].map(([name, series]) => {
    const sorted = [...series].sort((a, b) => a.step - b.step);
    const values = sorted.map((p) => p.value);
    return {
      name, points: sorted.length, first: values[0]!, last: values.at(-1)!,
      min: Math.min(...values), max: Math.max(...values), lastStep: sorted.at(-1)!.step,
    };
  }).sort((a, b) => a.name.localeCompare(b.name));
}

export async function showCommand(service: Service, id: number, opts: { json?: boolean }, print: (line: string) => void): Promise<number> {
  const run = await service.call('runs.get', { id });
  const [settings, metrics, evaluations, artifacts] = await Promise.all([
    service.call('runs.settings', { id }), service.call('runs.metrics', { id }), service.call('runs.evaluations', { id }), service.call('runs.artifacts', { id }),
  ]);
  const metricSummary = summarizeMetrics(metrics);
  if (opts.json) {
    print(JSON.stringify({ run, settings, metrics: metricSummary, evaluations, artifacts }, null, 2));
    return 0;
  }
  const lines = [
    `run ${run.id}: ${run.name}`,
    `  method    ${run.method}`,
    `  status    ${run.status}${run.stalled ? ' (stalled: no step for a long time)' : ''}${run.error ? ` (${run.error})` : ''}`,
    `  backend   ${run.backend ?? '-'}${run.device ? ` on ${run.device}` : ''}`,
    `  seed      ${run.seed}`,
    `  created   ${run.createdAt}${run.startedAt ? `, started ${run.startedAt}` : ''}${run.finishedAt ? `, finished ${run.finishedAt}` : ''}`,
  ];
  if (run.target) {
    const r = run.remote;
    lines.push(`  target    ${run.target}${r ? `: SLURM job ${r.jobId} ${r.state ?? ''}${r.reason ? ` (${r.reason})` : ''}, folder ${r.jobDir}` : ' (not submitted yet)'}`);
  }
  if (run.lastStepAt) lines.push(`  last step ${run.lastStepAt}`);
  if (run.tags.length) lines.push(`  tags      ${run.tags.join(', ')}`);
  if (run.progress) {
    const p = run.progress;
    lines.push(`  progress  step ${p.step}/${p.totalSteps}${p.phase ? ` (${p.phase})` : ''} ${Object.entries(p.values).map(([k, v]) => `${k}=${formatNumber(v)}`).join(' ')}`);
  }
  const stepPath = (run.result as { trainingStep?: StepPath } | null)?.trainingStep;
  if (stepPath) lines.push(`  step path ${describeStepPath(stepPath)}`);
  const precision = describeRecordedPrecision(run.result);
  if (precision) lines.push(`  precision ${precision}`);
  lines.push('  config    ' + JSON.stringify(run.config));
  lines.push('  settings  ' + JSON.stringify(settings));
  if (run.result) lines.push('  result    ' + JSON.stringify(run.result));
  print(lines.join('\n'));
  if (metricSummary.length) {
    print('\nmetrics');
    print(textTable(['name', 'points', 'first', 'last', 'min', 'max', 'last step'], metricSummary.map((m) => [
      m.name, m.points, formatNumber(m.first), formatNumber(m.last), formatNumber(m.min), formatNumber(m.max), m.lastStep,
    ])));
  }
  if (evaluations.length) {
    print('\nevaluations');
    print(textTable(['task', 'metric', 'value', 'model'], evaluations.map((e) => [e.task, e.metric, formatNumber(e.value), e.modelId])));
  }
  if (artifacts.length) {
    print('\nartifacts');
    print(textTable(['kind', 'size', 'path'], artifacts.map((a) => [a.kind, a.size, a.path])));
  }
  return 0;
}
