// ALBERT options from a run config (shared `target`/`preset`/`seed` + `albert: {...}`), checked without the teacher.
import { baselineOptionsFromConfig } from '../common/run-config.js';
import { resolveAlbertOptions, type AlbertOptions } from './options.js';

export const albertOptionsFromConfig = (config: Record<string, unknown>): AlbertOptions =>
  baselineOptionsFromConfig(config, 'albert', resolveAlbertOptions);
