// ALBERT method options (Lan et al. 2020, scaled to the budget): declared in shared/api/method-options.ts, parsed
// here. Every departure from the authors' recipe is one of these options; docs/baselines.md tabulates them.
import { albertOptionsSchema, type AlbertOptionsInput, type AlbertOptionsParsed } from '../../../shared/api/method-options.js';
import { parseMethodOptions, type WithSeed } from '../common/method-options.js';

export type AlbertOptions = AlbertOptionsInput;
export type ResolvedAlbertOptions = WithSeed<AlbertOptionsParsed>;

export const resolveAlbertOptions = (o: AlbertOptions): ResolvedAlbertOptions => parseMethodOptions(albertOptionsSchema, o, 'albert');

export const ALBERT_DEFAULTS: ResolvedAlbertOptions = resolveAlbertOptions({});
