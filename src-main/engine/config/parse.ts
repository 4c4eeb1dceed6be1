// Runs a run-config schema (shared/api) and turns its first issue into a ConfigError that names the field, the
// value and what was expected: "steps: expected an integer >= 1 (at most 10000000), got 0"; an unknown key is
// "wid.temprature: unknown option; expected one of target, preset, …".
import * as z from 'zod';
import { ConfigError } from './config-error.js';

/** JSON.stringify, except for what JSON cannot show (1e999 arrives as Infinity) and a missing value. */
export function shown(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x)) ?? String(v);
}

/** The object schema at `path` inside `schema` (through optional, default, nullable, pipe, record), to list its keys. */
function objectAt(schema: z.ZodType, path: PropertyKey[]): z.ZodObject | null {
  let s: z.ZodType | undefined = schema;
  const unwrap = (x: z.ZodType): z.ZodType => {
    for (let i = 0; i < 10; i++) {
      const def = (x as unknown as { _zod: { def: { type: string; innerType?: z.ZodType; in?: z.ZodType } } })._zod.def;
      if (def.innerType) x = def.innerType;
      else if (def.type === 'pipe' && def.in) x = def.in;
      else break;
    }
    return x;
  };
  for (const key of path) {
    s = unwrap(s);
    if (s instanceof z.ZodObject) s = s.shape[key as string] as z.ZodType | undefined;
    else if (s instanceof z.ZodRecord) s = s._zod.def.valueType as z.ZodType;
    else return null;
    if (!s) return null;
  }
  s = unwrap(s);
  return s instanceof z.ZodObject ? s : null;
}

/**
 * Parses `raw` with `schema`; a failure is a ConfigError about its first issue. `prefix` names where the object
 * sits in the run config (a method's options: "wid").
 */
export function parseWith<S extends z.ZodType>(schema: S, raw: unknown, prefix = ''): z.output<S> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(`${prefix || 'config'}: expected an object, got ${shown(raw)}`);
  const r = schema.safeParse(raw, { reportInput: true });
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = [...(prefix ? [prefix] : []), ...issue.path.map(String)].join('.') || 'config';
  if (issue.code === 'unrecognized_keys') {
    const known = Object.keys(objectAt(schema, issue.path)?.shape ?? {});
    const name = (k: string) => (field === 'config' ? k : `${field}.${k}`);
    throw new ConfigError(`${issue.keys.map(name).join(', ')}: unknown option${issue.keys.length > 1 ? 's' : ''}${known.length ? `; expected one of ${known.join(', ')}` : ''}`);
  }
  throw new ConfigError(`${field}: expected ${issue.message}, got ${shown(issue.input)}`);
}
