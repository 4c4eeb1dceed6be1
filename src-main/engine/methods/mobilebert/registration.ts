// MobileBERT's line in the method registry (methods/registry.ts): its optimiser, options and student
// (docs/baselines.md "MobileBERT": what the paper ran and what we run at our budget).
import { mobileBertOptionsSchema } from '../../../shared/api/method-options.js';
import { baselineEntry } from '../common/baseline-entry.js';
import { mobileBertMethodFrom } from './method.js';
import type { MobileBertOptions, ResolvedMobileBertOptions } from './options.js';
import { resolveMobileBertSetup } from './setup.js';

export const mobileBertMethod = baselineEntry<MobileBertOptions, ResolvedMobileBertOptions>({
  name: 'mobilebert',
  family: 'mobilebert',
  // Sun et al. 2020 §4.1 train with LAMB at batch 4096; at our batches: AdamW, lr 1e-4 for a student trained from scratch,
  // warm-up 10 %, decay 0.01, clip 1 (our choices, docs/baselines.md)
  optimizer: { lr: 1e-4, warmupFraction: 0.1, weightDecay: 0.01, clipNorm: 1, masking: 'bernoulli', beta2: 0.999, correctBias: true },
  setup: resolveMobileBertSetup, schema: mobileBertOptionsSchema, create: mobileBertMethodFrom,
});
