// DistilBERT's line in the method registry (methods/registry.ts): its published optimiser, its options and student.
import { distilBertOptionsSchema } from '../../../shared/api/method-options.js';
import { baselineEntry } from '../common/baseline-entry.js';
import { distilBertMethodFrom } from './method.js';
import type { DistilBertOptions, ResolvedDistilBertOptions } from './options.js';
import { resolveDistilBertSetup } from './setup.js';

export const distilBertMethod = baselineEntry<DistilBertOptions, ResolvedDistilBertOptions>({
  name: 'distilbert',
  // distillation/train.py: --warmup_prop 0.05, --weight_decay 0.0, --learning_rate 5e-4, --max_grad_norm 5.0, --mlm_smoothing 0.7
  optimizer: { lr: 5e-4, warmupFraction: 0.05, weightDecay: 0, clipNorm: 5, masking: 'smoothed', beta2: 0.98, correctBias: true },
  setup: resolveDistilBertSetup, schema: distilBertOptionsSchema, create: distilBertMethodFrom,
});
