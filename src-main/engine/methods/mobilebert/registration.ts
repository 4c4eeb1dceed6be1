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
  // google-research mobilebert/README.md: LAMB, learning_rate 0.0015 at train_batch_size 2048, num_warmup_steps 10,000 of
  // num_train_steps 500,000 (2 %); run_pretraining.py weight_decay_rate 0.01. Ours: AdamW with lr scaled by sqrt(32 / 2048)
  // for the default batch 32 (as ALBERT's), warm-up 2 %, decay 0.01, clip 1 (docs/baselines.md "MobileBERT")
  optimizer: { lr: 1.875e-4, warmupFraction: 0.02, weightDecay: 0.01, clipNorm: 1, masking: 'bernoulli', beta2: 0.999, correctBias: true },
  setup: resolveMobileBertSetup, schema: mobileBertOptionsSchema, create: mobileBertMethodFrom,
});
