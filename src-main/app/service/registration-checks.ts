// Checks made when a dataset is registered, beyond what the folder readers check: corpora with no text or with
// binary content. (Weights cut short are refused by the model folder reader's complete header validation.)
/** Why a corpus with these registration stats cannot train anything, or null when it can. */
export function corpusRefusal(path: string, stats: Record<string, unknown>): string | null {
  const lines = typeof stats.lines === 'number' ? stats.lines : null;
  const bytes = typeof stats.bytes === 'number' ? stats.bytes : null;
  if (bytes === 0 || lines === 0) return `${path} is empty: expected text, one document or sentence per line`;
  const warnings = Array.isArray(stats.warnings) ? (stats.warnings as string[]) : [];
  const binary = warnings.find((w) => /NUL byte/.test(w));
  if (binary) return binary;
  return null;
}
