// TinyBERT's line in the method registry (methods/registry.ts): its published optimiser, its options and student.
import type { DistillMethodEntry } from '../registry.js';
import { createTinyBertMethod } from './method.js';
import { resolveTinyBertOptions, type TinyBertOptions } from './options.js';
import { tinyBertOptionsFromConfig } from './run-config.js';
import { resolveTinyBertSetup } from './setup.js';

export const tinyBertMethod: DistillMethodEntry = {
  // TinyBERT/general_distill.py:222-238,370-381 (lr 5e-5, warmup 0.1, decay 0.01) and BertAdam's max_grad_norm 1.0
  optimizer: { lr: 5e-5, warmupFraction: 0.1, weightDecay: 0.01, clipNorm: 1, masking: 'bernoulli' },
  sharedKeys: ['target', 'preset', 'seed'],
  options: (o) => tinyBertOptionsFromConfig({ tinybert: o }) as Record<string, unknown>,
  student: (teacher, o) => resolveTinyBertSetup(teacher, o as TinyBertOptions).studentConfig,
  resolved: (o) => ({ ...resolveTinyBertOptions(o as TinyBertOptions) }),
  create: async (teacher, o) => createTinyBertMethod(teacher, o as TinyBertOptions),
};
