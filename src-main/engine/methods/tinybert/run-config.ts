// TinyBERT options from a run config (shared `target`/`preset`/`seed` + `tinybert: {...}`), checked
// without the teacher so the service can refuse a bad config before the run is queued.
import { sharedAndOwnOptions } from '../common/run-config.js';
import { resolveTinyBertOptions, type TinyBertOptions } from './options.js';

export function tinyBertOptionsFromConfig(config: Record<string, unknown>): TinyBertOptions {
  const o = sharedAndOwnOptions(config, 'tinybert') as TinyBertOptions;
  resolveTinyBertOptions(o);
  if (o.layerMap !== undefined && !Array.isArray(o.layerMap)) {
    throw new Error(`tinybert.layerMap must be an array of teacher layer indices, got ${JSON.stringify(o.layerMap)}`);
  }
  return o;
}
