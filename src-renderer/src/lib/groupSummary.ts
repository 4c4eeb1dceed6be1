// A compare group's page: which settings its members share and which differ, each member's wall time and
// student shape, and the models its table compares (every member's student, then the teacher).
import type { ModelRecord, RunRecord } from '../../../src-main/shared/api/index.js';
import { runTimeSeconds } from '../../../src-main/shared/api/run-time.js';

export const DISTILLATION_METHODS = ['wid', 'distilbert', 'tinybert', 'albert', 'mobilebert'] as const;
export const isDistillation = (r: RunRecord) => (DISTILLATION_METHODS as readonly string[]).includes(r.method);

// Paths the service derives from teacherModelId/datasetId (the ids say the same thing), and the method itself.
const DERIVED = new Set(['teacherPath', 'corpusPath', 'gluePath', 'modelPath', 'method']);

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Nested objects (methodOptions, target, wid) as dotted keys, so one differing option does not hide the rest. */
export function flattenSettings(config: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if (isPlain(v) && Object.keys(v).length) Object.assign(out, flattenSettings(v, `${prefix}${k}.`));
    else out[prefix + k] = v;
  }
  return out;
}

export interface SettingsSplit {
  /** Keys every member has with the same value. */
  shared: [string, unknown][];
  /** Keys that differ (or are missing) between members: one value per member, undefined where it has none. */
  differing: [string, unknown[]][];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Splits the members' stored configs into shared and per-member settings, keys sorted. */
export function splitSettings(nested: Record<string, unknown>[]): SettingsSplit {
  const configs = nested.map((c) => flattenSettings(c));
  const keys = [...new Set(configs.flatMap((c) => Object.keys(c)))].filter((k) => !DERIVED.has(k.split('.')[0])).sort();
  const out: SettingsSplit = { shared: [], differing: [] };
  for (const k of keys) {
    const values = configs.map((c) => c[k]);
    if (configs.every((c) => k in c) && values.every((v) => same(v, values[0]))) out.shared.push([k, values[0]]);
    else out.differing.push([k, values]);
  }
  return out;
}

/**
 * The run's time across all its segments, the live one included (the store keeps the earlier segments' seconds;
 * shared/api/run-time.ts). A run resumed before the store kept them counts at least the training seconds its result
 * reports over every session (result.elapsedSeconds).
 */
export function runSeconds(run: RunRecord, now = Date.now()): number | null {
  const total = runTimeSeconds(run, now);
  const elapsed = run.result?.elapsedSeconds;
  return typeof elapsed === 'number' && Number.isFinite(elapsed) && run.status !== 'running' ? Math.max(elapsed, total ?? 0) : total;
}

export interface StudentShape { layers: number; hidden: number; heads: number; intermediate: number }

/** The student a completed distillation run built (run.result.student). */
export function studentShape(run: RunRecord): StudentShape | null {
  const s = run.result?.student as Partial<StudentShape> | undefined;
  return s && [s.layers, s.hidden, s.heads, s.intermediate].every((v) => typeof v === 'number') ? (s as StudentShape) : null;
}

/** The latest model each member registered as its student, by member run id. */
export function memberStudents(members: RunRecord[], models: ModelRecord[]): Map<number, ModelRecord> {
  const out = new Map<number, ModelRecord>();
  for (const r of members) {
    const m = models.filter((x) => x.sourceRunId === r.id).at(-1);
    if (m) out.set(r.id, m);
  }
  return out;
}

export const showValue = (v: unknown) => (v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));
