// Sorting the run table by the columns the server cannot sort on (teacher name, student size, score).
// Runs without a value go last in both directions, so "best first" never starts with a row of dashes.
import type { RunRecord } from '../../../src-main/shared/api/index.js';

export type ClientSortKey = 'teacher' | 'params' | 'score';

export function sortRunsBy(
  runs: RunRecord[], key: ClientSortKey, order: 'asc' | 'desc',
  lookup: { teacherName(r: RunRecord): string | null; params(r: RunRecord): number | null; score(r: RunRecord): number | null },
): RunRecord[] {
  const value = (r: RunRecord): string | number | null =>
    key === 'teacher' ? lookup.teacherName(r) : key === 'params' ? lookup.params(r) : lookup.score(r);
  const sign = order === 'asc' ? 1 : -1;
  return [...runs].sort((a, b) => {
    const va = value(a), vb = value(b);
    if (va == null || vb == null) return va == null && vb == null ? a.id - b.id : va == null ? 1 : -1;
    const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
    return c === 0 ? a.id - b.id : sign * c;
  });
}
