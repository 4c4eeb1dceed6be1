// TinyBERT options from a run config (shared `target`/`preset`/`seed` + `tinybert: {...}`), checked
// without the teacher so the service can refuse a bad config before the run is queued.
import { baselineOptionsFromConfig } from '../common/run-config.js';
import { resolveTinyBertOptions, type TinyBertOptions } from './options.js';

export const tinyBertOptionsFromConfig = (config: Record<string, unknown>): TinyBertOptions =>
  baselineOptionsFromConfig(config, 'tinybert', resolveTinyBertOptions);
