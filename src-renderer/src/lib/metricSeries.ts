// Groups metric points by name into chart series; loss-like names go on the loss chart, the rest elsewhere.
import type { MetricPoint } from '../../../src-main/shared/api/index.js';

export type SeriesMap = Record<string, { x: number; y: number }[]>;

export function addPoint(map: SeriesMap, name: string, step: number, value: number): void {
  if (!Number.isFinite(value)) return;
  // Read the list back after creating it: on a Svelte $state map the stored array is a proxy of the one assigned,
  // and pushing onto the assigned one would lose the point (`(map[name] ??= [])` evaluates to the unproxied array).
  if (!map[name]) map[name] = [];
  const list = map[name];
  const last = list[list.length - 1];
  if (last && last.x === step) last.y = value; // the same step reported twice: keep the newest value
  else if (!last || last.x < step) list.push({ x: step, y: value });
}

export function seriesFromPoints(points: MetricPoint[]): SeriesMap {
  const map: SeriesMap = {};
  for (const p of [...points].sort((a, b) => a.step - b.step)) addPoint(map, p.name, p.step, p.value);
  return map;
}

export const isLossName = (name: string) => name === 'loss' || name.startsWith('loss/') || name.startsWith('loss_');

/** Steps where WID's pruning shrank the student (size/params dropped from the previous point). */
export function pruningEvents(map: SeriesMap): { x: number; label: string }[] {
  const size = map['size/params'] ?? [];
  const out: { x: number; label: string }[] = [];
  for (let i = 1; i < size.length; i++) if (size[i].y < size[i - 1].y) out.push({ x: size[i].x, label: '✂' });
  return out;
}

const sameSeries = (a: { x: number; y: number }[], b: { x: number; y: number }[]) =>
  a.length === b.length && a.every((p, i) => p.x === b[i].x && Math.abs(p.y - b[i].y) <= 1e-9 * Math.max(1, Math.abs(p.y)));

/**
 * The loss chart's series: `loss` and its components, a component identical to another series (WID's `loss/mlm`
 * when MLM is the whole objective) folded into it, its name added to the label ("loss = loss/mlm").
 */
export function lossSeries(map: SeriesMap): { label: string; points: { x: number; y: number }[] }[] {
  const out: { label: string; points: { x: number; y: number }[] }[] = [];
  const names = Object.keys(map).filter(isLossName).sort((a, b) => (a === 'loss' ? -1 : b === 'loss' ? 1 : 0));
  for (const name of names) {
    const twin = out.find((s) => sameSeries(s.points, map[name]));
    if (twin) twin.label += ` = ${name}`;
    else out.push({ label: name, points: map[name] });
  }
  return out;
}
