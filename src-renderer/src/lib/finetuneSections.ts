// A finished fine-tune run's steps split by task (and, inside a task, by lr-grid point): the job trains the tasks
// in config order, each grid point for ceil(trainRows / batch) × epochs steps, so the boundaries follow from its
// result. Each task's section then gets its own slice of the loss and lr curves and its own dev-metric series.
import type { RunRecord } from '../../../src-main/shared/api/index.js';
import type { SeriesMap } from './metricSeries.js';

interface TaskResult { trainRows: number; points: { lr: number; epochs: number }[]; best: { lr: number; epochs: number; epoch: number; score: number } }

export interface TaskSection {
  task: string;
  /** First and last step of the task (1-based, inclusive). */
  from: number;
  to: number;
  /** Where each lr-grid point after the first starts. */
  pointStarts: { x: number; label: string }[];
  best: TaskResult['best'] | null;
  series: SeriesMap;
}

const devNamesFor = (task: string, names: string[], single: boolean) =>
  names.filter((n) => n.startsWith('dev/') && (single || n.startsWith(`dev/${task}/`) || n.startsWith(`dev/${task}-`)));

export function finetuneSections(run: RunRecord, metrics: SeriesMap): TaskSection[] | null {
  const tasks = run.config.tasks as string[] | undefined;
  const results = run.result?.tasks as Record<string, TaskResult> | undefined;
  const batch = run.config.batchSize;
  if (!Array.isArray(tasks) || !results || typeof batch !== 'number' || tasks.some((t) => !results[t]?.points)) return null;
  const names = Object.keys(metrics);
  const single = tasks.length === 1 && !names.some((n) => /^dev\/[^/]+\/.+/.test(n));
  let step = 0;
  return tasks.map((task) => {
    const r = results[task];
    const from = step + 1;
    const pointStarts: TaskSection['pointStarts'] = [];
    r.points.forEach((p, i) => {
      if (i > 0) pointStarts.push({ x: step + 1, label: `lr ${p.lr}` });
      step += Math.ceil(r.trainRows / batch) * p.epochs;
    });
    const inRange = (pts: { x: number; y: number }[]) => pts.filter((p) => p.x >= from && p.x <= step);
    const series: SeriesMap = {};
    for (const n of ['loss', 'lr', ...devNamesFor(task, names, single)]) if (metrics[n]) series[n] = inRange(metrics[n]);
    return { task, from, to: step, pointStarts, best: r.best ?? null, series };
  });
}
