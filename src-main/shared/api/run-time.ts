// A run's time over all its segments (a resumed run starts a new one each time), shared by the store (which adds a
// segment to earlierSeconds when the run is resumed) and the UI (which adds the live segment as it runs).
import type { RunRecord } from './types.js';

type Timed = Pick<RunRecord, 'status' | 'startedAt' | 'finishedAt'> & { lastStepAt?: string | null; earlierSeconds?: number };

/**
 * Seconds of the current (or last) segment: to now while running; an interrupted run's segment ends at its last sign
 * of life (its last step), not when someone noticed its process was gone; null before it ever started.
 */
export function segmentSeconds(r: Timed, now = Date.now()): number | null {
  if (!r.startedAt) return null;
  const start = Date.parse(r.startedAt);
  let end: number | null = r.finishedAt ? Date.parse(r.finishedAt) : r.status === 'running' ? now : null;
  if (r.status === 'interrupted' && r.lastStepAt && end != null) end = Math.min(end, Date.parse(r.lastStepAt));
  return end == null ? null : Math.max(0, (end - start) / 1000);
}

/** Seconds over every segment, the live one included; null before the run ever started. */
export function runTimeSeconds(r: Timed, now = Date.now()): number | null {
  const current = segmentSeconds(r, now);
  const earlier = r.earlierSeconds ?? 0;
  return current == null && earlier === 0 ? null : earlier + (current ?? 0);
}
