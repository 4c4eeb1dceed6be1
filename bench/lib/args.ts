// Argument helpers shared by the benchmarks (one message per kind of bad value).

export function positiveInt(flag: string, v: string | undefined): number {
  const n = Number(v);
  if (v === undefined || !Number.isInteger(n) || n <= 0) throw new Error(`--${flag} must be a positive integer, got "${v}"`);
  return n;
}

/** A comma list, each entry checked against `allowed` (when given). */
export function list(flag: string, v: string | undefined, allowed?: readonly string[]): string[] {
  const items = (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (!items.length) throw new Error(`--${flag} must be a comma list, got "${v ?? ''}"`);
  if (allowed) for (const s of items) if (!allowed.includes(s)) throw new Error(`--${flag}: "${s}" is not one of ${allowed.join(', ')}`);
  return items;
}
