// ALBERT's line in the method registry (methods/registry.ts): its optimiser as the authors ran it scaled to our
// budget (docs/baselines.md "ALBERT"), its options and student.
import { albertOptionsSchema } from '../../../shared/api/method-options.js';
import { baselineEntry } from '../common/baseline-entry.js';
import { albertMethodFrom } from './method.js';
import type { AlbertOptions, ResolvedAlbertOptions } from './options.js';
import { resolveAlbertSetup } from './setup.js';

export const albertMethod = baselineEntry<AlbertOptions, ResolvedAlbertOptions>({
  name: 'albert',
  family: 'albert',
  // Lan et al. 2020 §4.1: LAMB, lr 0.00176 at batch 4096; run_pretraining.py: 3,125 warm-up of 125,000 steps (2.5 %),
  // weight decay 0.01, global-norm clip 1.0. Ours: AdamW with lr scaled by sqrt(32 / 4096) for the default batch 32.
  optimizer: { lr: 1.56e-4, warmupFraction: 0.025, weightDecay: 0.01, clipNorm: 1, masking: 'bernoulli', beta2: 0.999, correctBias: true },
  setup: resolveAlbertSetup, schema: albertOptionsSchema, create: albertMethodFrom,
});
