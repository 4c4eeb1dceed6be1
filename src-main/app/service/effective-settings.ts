// What a run's job runs with: the config the service parsed at runs.create (every default filled in: a method's
// published optimiser settings and its own options from its schema, WID's objective, schedule, teacher lr, dropout;
// DistilBERT's and TinyBERT's loss weights). A run created before that was stored is decoded from its config (the
// fields alone, no file read); the stored config itself when even that fails (written by an older version).
import type { RunRecord } from '../../shared/api/types.js';
import { decodeRunConfig } from '../runner/job-config.js';

export function effectiveSettings(run: Pick<RunRecord, 'method' | 'config'>, jobConfig: unknown = null): Record<string, unknown> {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(JSON.stringify(jobConfig ?? decodeRunConfig(run))) as Record<string, unknown>;
  }
  catch { return run.config; }
  if (parsed.methodOptions && typeof parsed.methodOptions === 'object') {
    const { variablePrefix: _prefix, ...shown } = parsed.methodOptions as Record<string, unknown>;
    parsed.methodOptions = shown;
  }
  return parsed;
}
