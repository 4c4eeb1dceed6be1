// A `wid run` file with "method": "compare" -> the groups.create request: one shared config, one run per method.
// The methods and the config are checked by the service (the same path as the UI's compare wizard), so a bad
// method or field is refused, naming it, before anything is written.
import type { ApiRequest } from '../shared/api/index.js';
import type { RunRequestFromFile } from './runConfigFile.js';

/** The methods of a compare group when the file names none: WID against both baselines. */
export const DEFAULT_COMPARE_METHODS = ['wid', 'distilbert', 'tinybert'] as const;

export function groupRequestFrom(request: RunRequestFromFile): ApiRequest<'groups.create'> {
  return {
    ...(request.name !== undefined ? { name: request.name } : {}),
    methods: (request.methods ?? [...DEFAULT_COMPARE_METHODS]) as ApiRequest<'groups.create'>['methods'],
    ...(request.target !== undefined ? { target: request.target } : {}),
    config: request.config,
  };
}
