// TinyBERT general-distillation options (Jiao et al. 2020): declared in shared/api/method-options.ts, parsed here.
import { tinyBertOptionsSchema, type TinyBertOptionsInput, type TinyBertOptionsParsed } from '../../../shared/api/method-options.js';
import { parseMethodOptions, type WithSeed } from '../common/method-options.js';

export type TinyBertOptions = TinyBertOptionsInput;
export type ResolvedTinyBertOptions = WithSeed<TinyBertOptionsParsed>;
/** Embedding, hidden-state and attention MSE, and the soft-target CE of the MLM logits (off in general distillation). */
export type TinyBertLossWeights = TinyBertOptionsParsed['weights'];

export const resolveTinyBertOptions = (o: TinyBertOptions): ResolvedTinyBertOptions => parseMethodOptions(tinyBertOptionsSchema, o, 'tinybert');

export const TINYBERT_DEFAULTS: ResolvedTinyBertOptions = resolveTinyBertOptions({});
