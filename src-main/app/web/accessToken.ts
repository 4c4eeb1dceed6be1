// The per-start web-mode access token: random, compared in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes as hex; a fresh one on every server start, so an old URL stops working. */
export function newAccessToken(): string {
  return randomBytes(32).toString('hex');
}

/** Constant-time equality. Both sides are hashed first so neither the length nor a prefix leaks through timing. */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string' || given.length === 0) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}
