// Checks made when a model or dataset is registered, beyond what the folder readers check: weights whose data is
// cut short (a download that stopped), corpora with no text or with binary content, and a path registered already.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSafetensorsHeader, truncation } from './safetensors-header.js';

/** The weight files of a model folder: model.safetensors, or the shards its index names (those that exist). */
function weightFiles(folder: string): string[] {
  const single = join(folder, 'model.safetensors');
  if (existsSync(single)) return [single];
  try {
    const map = (JSON.parse(readFileSync(join(folder, 'model.safetensors.index.json'), 'utf8')) as { weight_map?: Record<string, string> }).weight_map ?? {};
    return [...new Set(Object.values(map))].map((f) => join(folder, f)).filter((f) => existsSync(f));
  } catch { return []; }
}

/** The first weight file shorter than its header says (a download that stopped), as a sentence; null when whole. */
export function truncatedWeights(folder: string): string | null {
  for (const file of weightFiles(folder)) {
    const h = readSafetensorsHeader(file);
    if ('problem' in h) continue; // the folder reader reports files it cannot parse
    const cut = truncation(file, h);
    if (cut) return `${cut}. Download or copy it again.`;
  }
  return null;
}

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
