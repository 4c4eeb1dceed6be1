// DistilBERT options: declared with their published defaults (Sanh et al. 2019, HF `distillation/train.py`) in
// shared/api/method-options.ts; parsed here for the method.
import { distilBertOptionsSchema, type DistilBertOptionsInput, type DistilBertOptionsParsed } from '../../../shared/api/method-options.js';
import { parseMethodOptions, type WithSeed } from '../common/method-options.js';

export type DistilBertOptions = DistilBertOptionsInput;
export type ResolvedDistilBertOptions = WithSeed<DistilBertOptionsParsed>;

export const resolveDistilBertOptions = (o: DistilBertOptions): ResolvedDistilBertOptions => parseMethodOptions(distilBertOptionsSchema, o, 'distilbert');

export const DISTILBERT_DEFAULTS: ResolvedDistilBertOptions = resolveDistilBertOptions({});
