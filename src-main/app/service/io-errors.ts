// Failures of the machine rather than of the request, as API errors that say what to do: a full disk
// (ENOSPC, EDQUOT, SQLITE_FULL) is insufficient_storage (507) naming the folder and what to free; a file the
// request named that is not a regular file, too large or too slow to read is bad_request (400) or too_large (413).
import { statfsSync } from 'node:fs';
import { RegularFileError } from '../../engine/io/regular-file.js';
import { ApiError } from './contract.js';

const FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);

/** True for a full disk or used-up quota, also when wrapped (WriteError keeps the errno code; `cause` chains). */
export function isDiskFull(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && FULL_CODES.has(code)) return true;
  }
  return false;
}

const human = (bytes: number) => bytes >= 1 << 30 ? `${(bytes / (1 << 30)).toFixed(1)} GiB` : bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MiB` : `${bytes} bytes`;

/** Free bytes on the disk holding `dir`, as words ("0 bytes free"), or '' when it cannot be asked. */
export function freeSpace(dir: string): string {
  try {
    const s = statfsSync(dir);
    return `${human(Number(s.bavail) * Number(s.bsize))} free`;
  } catch {
    return '';
  }
}

/**
 * A full disk while `doing` (e.g. "runs.create", "exporting the student to /x"): 507 naming the folder, the
 * free space, what was kept and what to free; `need` (bytes) when the amount is known.
 */
export function diskFullError(doing: string, dir: string, err: unknown, opts: { need?: number; free?: string } = {}): ApiError {
  const code = (err as { code?: string })?.code ?? 'ENOSPC';
  const free = freeSpace(dir);
  const need = opts.need !== undefined ? `; it needs ${human(opts.need)}` : '';
  return new ApiError('insufficient_storage',
    `${doing}: the disk holding ${dir} is full (${code}${free ? `, ${free}` : ''})${need}; nothing was changed: ` +
    `free ${opts.free ?? 'space there'} and try again`);
}

/** A refused user file as an API error for request field `field`. */
export function fileApiError(err: RegularFileError, field: string): ApiError {
  return new ApiError(err.problem === 'too_large' ? 'too_large' : 'bad_request', `${field}: ${err.message}`);
}
