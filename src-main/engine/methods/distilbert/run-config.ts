// DistilBERT options from a run config (shared `target`/`preset`/`seed` + `distilbert: {...}`), checked
// without the teacher so the service can refuse a bad config before the run is queued.
import { baselineOptionsFromConfig } from '../common/run-config.js';
import { resolveDistilBertOptions, type DistilBertOptions } from './options.js';

export const distilBertOptionsFromConfig = (config: Record<string, unknown>): DistilBertOptions =>
  baselineOptionsFromConfig(config, 'distilbert', resolveDistilBertOptions);
