// DistilBERT options from a run config (shared `target`/`preset`/`seed` + `distilbert: {...}`), checked
// without the teacher so the service can refuse a bad config before the run is queued.
import { sharedAndOwnOptions } from '../common/run-config.js';
import { resolveDistilBertOptions, type DistilBertOptions } from './options.js';

export function distilBertOptionsFromConfig(config: Record<string, unknown>): DistilBertOptions {
  const o = sharedAndOwnOptions(config, 'distilbert') as DistilBertOptions;
  resolveDistilBertOptions(o);
  if (o.layerMap !== undefined && !Array.isArray(o.layerMap)) {
    throw new Error(`distilbert.layerMap must be an array of teacher layer indices, got ${JSON.stringify(o.layerMap)}`);
  }
  return o;
}
