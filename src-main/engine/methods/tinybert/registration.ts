// TinyBERT's line in the method registry (methods/registry.ts): its published optimiser, its options and student.
import { tinyBertOptionsSchema } from '../../../shared/api/method-options.js';
import { baselineEntry } from '../common/baseline-entry.js';
import { tinyBertMethodFrom } from './method.js';
import type { TinyBertOptions, ResolvedTinyBertOptions } from './options.js';
import { resolveTinyBertSetup } from './setup.js';

export const tinyBertMethod = baselineEntry<TinyBertOptions, ResolvedTinyBertOptions>({
  name: 'tinybert',
  // TinyBERT/general_distill.py:222-238,370-381 (lr 5e-5, warmup 0.1, decay 0.01) and BertAdam's max_grad_norm 1.0
  optimizer: { lr: 5e-5, warmupFraction: 0.1, weightDecay: 0.01, clipNorm: 1, masking: 'bernoulli', beta2: 0.999, correctBias: true },
  setup: resolveTinyBertSetup, schema: tinyBertOptionsSchema, create: tinyBertMethodFrom,
});
