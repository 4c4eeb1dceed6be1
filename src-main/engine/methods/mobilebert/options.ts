// MobileBERT method options (Sun et al. 2020, scaled to the budget): declared in shared/api/method-options.ts,
// parsed here. Every departure from the paper's recipe is one of these options; docs/baselines.md tabulates them.
import { mobileBertOptionsSchema, type MobileBertOptionsInput, type MobileBertOptionsParsed } from '../../../shared/api/method-options.js';
import { parseMethodOptions, type WithSeed } from '../common/method-options.js';

export type MobileBertSchedule = MobileBertOptionsParsed['schedule'];
export type MobileBertOptions = MobileBertOptionsInput;
export type ResolvedMobileBertOptions = WithSeed<MobileBertOptionsParsed>;

export const resolveMobileBertOptions = (o: MobileBertOptions): ResolvedMobileBertOptions => parseMethodOptions(mobileBertOptionsSchema, o, 'mobilebert');

export const MOBILEBERT_DEFAULTS: ResolvedMobileBertOptions = resolveMobileBertOptions({});
