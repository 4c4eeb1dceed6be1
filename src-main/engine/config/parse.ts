// Runs a run-config schema (shared/api/run-config.ts) and turns its first issue into a ConfigError that names the
// field, the value and what was expected: "steps: expected an integer >= 1 (at most 10000000), got 0".
import type * as z from 'zod';
import { ConfigError } from './config-error.js';

/** JSON.stringify, except for what JSON cannot show (1e999 arrives as Infinity). */
export function shown(v: unknown): string {
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return JSON.stringify(v) ?? String(v);
}

export function parseWith<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(`config: expected an object, got ${shown(raw)}`);
  const r = schema.safeParse(raw, { reportInput: true });
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.join('.') || 'config';
  if (issue.code === 'unrecognized_keys') throw new ConfigError(`${field}: unknown option ${issue.keys.map((k) => `"${k}"`).join(', ')}`);
  throw new ConfigError(`${field}: expected ${issue.message}, got ${shown(issue.input)}`);
}
