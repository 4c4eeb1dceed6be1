// Request validation: every check throws ApiError('bad_request') naming the field and what was expected.
import { ApiError } from './contract.js';

type Req = Record<string, unknown>;

const show = (v: unknown) => (v === undefined ? 'nothing' : JSON.stringify(v));
export const badRequest = (message: string) => new ApiError('bad_request', message);
export const notFound = (message: string) => new ApiError('not_found', message);
export const conflict = (message: string) => new ApiError('conflict', message);

export function requestObject(req: unknown, method: string): Req {
  if (req === undefined || req === null) return {};
  if (typeof req !== 'object' || Array.isArray(req)) throw badRequest(`${method}: request must be an object, got ${show(req)}`);
  return req as Req;
}

export function idField(req: Req, key: string): number {
  const v = req[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw badRequest(`${key}: expected a positive integer id, got ${show(v)}`);
  return v;
}

export function optionalId(req: Req, key: string): number | undefined {
  return req[key] === undefined || req[key] === null ? undefined : idField(req, key);
}

export function optionalInt(req: Req, key: string, min: number, max: number): number | undefined {
  const v = req[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw badRequest(`${key}: expected an integer from ${min} to ${max}, got ${show(v)}`);
  return v;
}

export function stringField(req: Req, key: string): string {
  const v = req[key];
  if (typeof v !== 'string' || v.trim() === '') throw badRequest(`${key}: expected a non-empty string, got ${show(v)}`);
  return v;
}

export function optionalString(req: Req, key: string, allowEmpty = true): string | undefined {
  const v = req[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || (!allowEmpty && v.trim() === '')) throw badRequest(`${key}: expected ${allowEmpty ? 'a string' : 'a non-empty string'}, got ${show(v)}`);
  return v;
}

export function optionalBool(req: Req, key: string): boolean | undefined {
  const v = req[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw badRequest(`${key}: expected true or false, got ${show(v)}`);
  return v;
}

export function optionalStringArray(req: Req, key: string): string[] | undefined {
  const v = req[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw badRequest(`${key}: expected an array of strings, got ${show(v)}`);
  return v as string[];
}

export function idArray(req: Req, key: string): number[] {
  const v = req[key];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isInteger(x) || x <= 0)) {
    throw badRequest(`${key}: expected an array of positive integer ids, got ${show(v)}`);
  }
  return v as number[];
}

export function oneOf<T extends string>(req: Req, key: string, allowed: readonly T[], fallback?: T): T {
  const v = req[key];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'string' || !allowed.includes(v as T)) throw badRequest(`${key}: expected one of ${allowed.join(', ')}, got ${show(v)}`);
  return v as T;
}

export function optionalOneOfArray<T extends string>(req: Req, key: string, allowed: readonly T[]): T[] | undefined {
  const v = req[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => !allowed.includes(x as T))) throw badRequest(`${key}: expected an array of ${allowed.join(', ')}, got ${show(v)}`);
  return v as T[];
}

export function plainObject(req: Req, key: string): Record<string, unknown> {
  const v = req[key];
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw badRequest(`${key}: expected an object, got ${show(v)}`);
  return v as Record<string, unknown>;
}

/** How deeply a request may nest objects/arrays: real requests need 4 (config.wid.target.layers). */
export const MAX_REQUEST_DEPTH = 32;

/**
 * Refuses a request nested deeper than MAX_REQUEST_DEPTH, before any handler walks it recursively (a
 * config 5,000 levels deep overflowed the stack in JSON.stringify). Walks with an explicit stack, so any
 * depth is safe to check.
 */
export function checkRequestDepth(req: unknown, method: string): void {
  const stack: { value: unknown; depth: number; path: string }[] = [{ value: req, depth: 0, path: '' }];
  while (stack.length) {
    const { value, depth, path } = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_REQUEST_DEPTH) throw badRequest(`${method}: request is nested more than ${MAX_REQUEST_DEPTH} levels deep (at ${path})`);
    const isArray = Array.isArray(value);
    for (const [k, child] of Object.entries(value)) {
      if (typeof child === 'object' && child !== null) stack.push({ value: child, depth: depth + 1, path: isArray ? `${path}[${k}]` : path ? `${path}.${k}` : k });
    }
  }
}
