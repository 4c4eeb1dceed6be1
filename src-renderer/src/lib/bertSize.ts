// Quick checks of explicit student sizes typed into the wizard, before the server resolves them against the teacher.
export interface BertSize { layers: number; hidden: number; heads: number; intermediate: number }

/** Problems with a size, as messages naming the field; empty when valid. */
export function sizeProblems(s: BertSize): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(s)) if (!Number.isInteger(v) || v < 1) out.push(`${k} must be a positive whole number (got ${v})`);
  if (out.length === 0 && s.hidden % s.heads !== 0) out.push(`hidden (${s.hidden}) must be divisible by heads (${s.heads})`);
  return out;
}
