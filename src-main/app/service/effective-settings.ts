// What a run's job runs with: its stored config parsed by the job, so every default is filled in (a method's
// published optimiser settings), and for distillation runs the method's own options resolved too (WID's
// objective, schedule, teacher lr, dropout; DistilBERT's and TinyBERT's loss weights). Falls back to the stored
// config when it no longer parses (a config written by an older version).
import type { RunRecord } from '../../shared/api/types.js';
import { jobFor } from '../../engine/jobs/registry.js';
import { resolveWidOptions } from '../../engine/methods/wid/index.js';
import { resolveDistilBertOptions } from '../../engine/methods/distilbert/options.js';
import { resolveTinyBertOptions } from '../../engine/methods/tinybert/options.js';

const RESOLVERS: Record<string, (o: Record<string, unknown>) => unknown> = {
  wid: (o) => resolveWidOptions(o as never),
  distilbert: (o) => resolveDistilBertOptions(o as never),
  tinybert: (o) => resolveTinyBertOptions(o as never),
};

export function effectiveSettings(run: Pick<RunRecord, 'method' | 'config'>): Record<string, unknown> {
  let parsed: Record<string, unknown>;
  try { parsed = JSON.parse(JSON.stringify(jobFor(run.method).parseConfig(run.config))) as Record<string, unknown>; }
  catch { return run.config; }
  const resolve = RESOLVERS[run.method];
  if (resolve && parsed.methodOptions && typeof parsed.methodOptions === 'object') {
    try {
      const { variablePrefix: _prefix, ...resolved } = JSON.parse(JSON.stringify(resolve(parsed.methodOptions as Record<string, unknown>))) as Record<string, unknown>;
      parsed.methodOptions = resolved;
    } catch { /* keep the options as given */ }
  }
  return parsed;
}
