// MobileBERT options from a run config (shared `target`/`preset`/`seed` + `mobilebert: {...}`), checked without the teacher.
import { baselineOptionsFromConfig } from '../common/run-config.js';
import { resolveMobileBertOptions, type MobileBertOptions } from './options.js';

export const mobileBertOptionsFromConfig = (config: Record<string, unknown>): MobileBertOptions =>
  baselineOptionsFromConfig(config, 'mobilebert', resolveMobileBertOptions);
