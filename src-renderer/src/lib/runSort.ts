// Sorting the run table by the columns the server cannot sort on (#, teacher, student size, score, progress, loss,
// duration, group). Runs without a value go last in both directions, so "best first" never starts with dashes.
import type { RunRecord } from '../../../src-main/shared/api/index.js';
import { runSeconds } from './groupSummary.js';

export type ClientSortKey = 'id' | 'teacher' | 'params' | 'score' | 'progress' | 'loss' | 'duration' | 'group';

export interface RunLookup { teacherName(r: RunRecord): string | null; params(r: RunRecord): number | null; score(r: RunRecord): number | null; groupName?(r: RunRecord): string | null }

/** The latest loss: the last progress values' loss, else the result's finalLoss (a finished run's last event may carry none). */
export function lastLoss(r: RunRecord): number | null {
  const v = r.progress?.values.loss ?? r.result?.finalLoss;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export const progressFraction = (r: RunRecord) => (r.progress && r.progress.totalSteps > 0 ? r.progress.step / r.progress.totalSteps : null);

export function sortRunsBy(runs: RunRecord[], key: ClientSortKey, order: 'asc' | 'desc', lookup: RunLookup): RunRecord[] {
  const value = (r: RunRecord): string | number | null => {
    switch (key) {
      case 'id': return r.id;
      case 'teacher': return lookup.teacherName(r);
      case 'params': return lookup.params(r);
      case 'score': return lookup.score(r);
      case 'progress': return progressFraction(r);
      case 'loss': return lastLoss(r);
      case 'duration': return runSeconds(r);
      case 'group': return lookup.groupName?.(r) ?? null;
    }
  };
  const sign = order === 'asc' ? 1 : -1;
  return [...runs].sort((a, b) => {
    const va = value(a), vb = value(b);
    if (va == null || vb == null) return va == null && vb == null ? a.id - b.id : va == null ? 1 : -1;
    const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
    return c === 0 ? a.id - b.id : sign * c;
  });
}
