// Run/model/group ids and counts typed on the command line.
import { CliError } from './cliError.js';

export function parseId(text: string, what: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) <= 0) throw new CliError(`${what} must be a positive integer id, got "${text}"`, 2);
  return Number(text);
}

/** "1,2,3" or "1 2 3" -> [1, 2, 3]. */
export function parseIdList(text: string, what: string): number[] {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (parts.length === 0) throw new CliError(`${what} must list at least one id, e.g. 1,2,3`, 2);
  return parts.map((p) => parseId(p, what));
}

/** A count such as --parallel 3: a positive integer (or from `min`, e.g. 0 GPUs). */
export function parseCount(text: string, what: string, min = 1): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < min) throw new CliError(`${what} must be ${min === 1 ? 'a positive integer' : `an integer >= ${min}`}, got "${text}"`, 2);
  return Number(text);
}
