// A run page's reread joined with what events already showed. The run and its metrics are two API reads, so a
// step recorded between them would put the chart ahead of the progress, and a read answered after a newer
// progress event would move the progress back. The newer progress wins; while the run is running, stored points
// past it wait for their own progress event (which carries them), so chart and progress stay on one step.
import type { MetricPoint, RunRecord } from '../../../src-main/shared/api/index.js';
import { addPoint, seriesFromPoints, type SeriesMap } from './metricSeries.js';

export function mergeRunRead(shown: RunRecord | null, read: RunRecord, points: MetricPoint[], shownMetrics: SeriesMap): { run: RunRecord; metrics: SeriesMap } {
  const shownProgress = shown?.id === read.id ? shown.progress : null;
  const run = shownProgress && (read.progress?.step ?? -1) < shownProgress.step ? { ...read, progress: shownProgress } : read;
  const upTo = run.status === 'running' ? run.progress?.step ?? -1 : Infinity;
  const metrics = seriesFromPoints(points.filter((p) => p.step <= upTo));
  // points that arrived by event while the reads were in flight
  for (const [name, list] of Object.entries(shownMetrics)) for (const p of list) addPoint(metrics, name, p.x, p.y);
  return { run, metrics };
}
