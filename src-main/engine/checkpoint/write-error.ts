// A failed write (full disk, no permission, read-only disk) as an error that names the file, the cause in
// words, and what was kept, instead of a bare "ENOSPC: no space left on device, write".
const CAUSES: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the disk is read-only',
};

export class WriteError extends Error {
  constructor(message: string, readonly code: string | undefined, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WriteError';
  }
}

/** `what` names the thing ("checkpoint", "student folder"); `kept` says what is still intact. */
export function writeError(err: unknown, what: string, path: string, kept: string): WriteError {
  const code = (err as NodeJS.ErrnoException)?.code;
  const cause = code && CAUSES[code] ? `${CAUSES[code]} (${code})` : (err as Error)?.message ?? String(err);
  return new WriteError(`could not write the ${what} ${path}: ${cause}; nothing was half-written, ${kept}`, code, { cause: err });
}
