// What a run's job runs with: its stored config decoded by the job, so every default is filled in (a method's
// published optimiser settings, and its own options from its schema: WID's objective, schedule, teacher lr,
// dropout; DistilBERT's and TinyBERT's loss weights). Falls back to the stored config when it no longer parses (a
// config written by an older version).
import type { RunRecord } from '../../shared/api/types.js';
import { jobFor } from '../../engine/jobs/registry.js';

export function effectiveSettings(run: Pick<RunRecord, 'method' | 'config'>): Record<string, unknown> {
  let parsed: Record<string, unknown>;
  try {
    const job = jobFor(run.method);
    // the fields alone (no file is read): the settings of a run whose teacher or corpus has moved still show
    parsed = JSON.parse(JSON.stringify(job.decode ? job.decode(run.config) : job.parseConfig(run.config))) as Record<string, unknown>;
  }
  catch { return run.config; }
  if (parsed.methodOptions && typeof parsed.methodOptions === 'object') {
    const { variablePrefix: _prefix, ...shown } = parsed.methodOptions as Record<string, unknown>;
    parsed.methodOptions = shown;
  }
  return parsed;
}
