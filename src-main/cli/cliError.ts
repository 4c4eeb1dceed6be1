// How the CLI ends on failure: a message for people and an exit code for scripts.
// 2 = the input was wrong (bad arguments, unreadable or invalid config, a file it names too large); 1 = the
// operation failed (a full disk included).
import { ApiError } from '../app/service/contract.js';

export class CliError extends Error {
  constructor(message: string, readonly exitCode: 1 | 2 = 1) {
    super(message);
    this.name = 'CliError';
  }
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof CliError) return err.exitCode;
  if (err instanceof ApiError) return err.code === 'bad_request' || err.code === 'too_large' ? 2 : 1;
  return 1;
}

export function describeError(err: unknown): string {
  if (err instanceof ApiError) return `${err.message} (${err.code})`;
  if (err instanceof Error) return err.message;
  return String(err);
}
