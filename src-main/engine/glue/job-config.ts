// Field readers for the GLUE jobs' configs (finetune, evaluate): each throws a ConfigError that
// names the field, what was expected and what was given.
import { ConfigError } from '../config/config-error.js';

const BACKENDS = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'];

export function objectConfig(raw: unknown): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(`config: expected an object, got ${JSON.stringify(raw)}`);
  return raw as Record<string, unknown>;
}

export function integerField(r: Record<string, unknown>, key: string, fallback: number, min: number, max: number): number {
  const v = r[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ConfigError(`${key}: expected an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  }
  return v;
}

export function numberField(r: Record<string, unknown>, key: string, fallback: number, range: { min: number; max?: number; exclusiveMin?: boolean }): number {
  const v = r[key];
  if (v === undefined) return fallback;
  const max = range.max ?? Infinity;
  if (typeof v !== 'number' || !Number.isFinite(v) || v > max || (range.exclusiveMin ? v <= range.min : v < range.min)) {
    const lower = range.exclusiveMin ? `> ${range.min}` : `>= ${range.min}`;
    throw new ConfigError(`${key}: expected a number ${lower}${max < Infinity ? ` and <= ${max}` : ''}, got ${JSON.stringify(v)}`);
  }
  return v;
}

export function booleanField(r: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const v = r[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new ConfigError(`${key}: expected true or false, got ${JSON.stringify(v)}`);
  return v;
}

export function backendField(r: Record<string, unknown>): string {
  const v = r.backend ?? 'auto';
  if (typeof v !== 'string' || !BACKENDS.includes(v)) throw new ConfigError(`backend: expected one of ${BACKENDS.join(', ')}, got ${JSON.stringify(v)}`);
  return v;
}

/**
 * A folder given directly (`pathKey`) or as a registered id (`idKey`) that the service resolves into
 * `pathKey` before the job runs. Returns the path, or null when only the id is known yet.
 */
export function pathOrIdField(r: Record<string, unknown>, pathKey: string, idKey: string): string | null {
  const p = r[pathKey], id = r[idKey];
  if (p !== undefined) {
    if (typeof p !== 'string' || p.trim() === '') throw new ConfigError(`${pathKey}: expected a folder path, got ${JSON.stringify(p)}`);
    return p;
  }
  if (id !== undefined) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id <= 0) throw new ConfigError(`${idKey}: expected a positive integer id, got ${JSON.stringify(id)}`);
    return null;
  }
  throw new ConfigError(`${pathKey}: expected a folder path (or ${idKey}: a registered id), got nothing`);
}
