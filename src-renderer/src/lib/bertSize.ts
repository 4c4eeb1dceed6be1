// Parameter count of a BERT encoder (+ pooler) with the given sizes, as Hugging Face's BertModel lays it out.
// Shown in the wizard before launch so the user sees what a target size means.
export interface BertSize { layers: number; hidden: number; heads: number; intermediate: number }

export const SIZE_PRESETS: Record<string, BertSize> = {
  'BERT-base (teacher size)': { layers: 12, hidden: 768, heads: 12, intermediate: 3072 },
  'DistilBERT (6L-768H)': { layers: 6, hidden: 768, heads: 12, intermediate: 3072 },
  'TinyBERT-4 (4L-312H)': { layers: 4, hidden: 312, heads: 12, intermediate: 1200 },
  'WID-55M (12L-512H)': { layers: 12, hidden: 512, heads: 8, intermediate: 2048 },
  'WID-11M (12L-256H)': { layers: 12, hidden: 256, heads: 4, intermediate: 1024 },
  'Tiny test (2L-64H)': { layers: 2, hidden: 64, heads: 2, intermediate: 128 },
};

export function bertParameterCount(s: BertSize, vocab = 30522, positions = 512, types = 2): number {
  const H = s.hidden, I = s.intermediate;
  const embeddings = (vocab + positions + types) * H + 2 * H;
  const layer = 4 * (H * H + H) + 2 * H + (H * I + I) + (I * H + H) + 2 * H;
  const pooler = H * H + H;
  return embeddings + s.layers * layer + pooler;
}

/** Problems with a size, as messages naming the field; empty when valid. */
export function sizeProblems(s: BertSize): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(s)) if (!Number.isInteger(v) || v < 1) out.push(`${k} must be a positive whole number (got ${v})`);
  if (out.length === 0 && s.hidden % s.heads !== 0) out.push(`hidden (${s.hidden}) must be divisible by heads (${s.heads})`);
  return out;
}
