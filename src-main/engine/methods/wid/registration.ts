// WID's line in the method registry (methods/registry.ts): its published optimiser, its options and student.
import type { DistillMethodEntry } from '../registry.js';
import { resolveTargetSizes, studentConfig, type TargetRequest } from '../common/student-size.js';
import { widOptionsSchema } from '../../../shared/api/method-options.js';
import { parseWith } from '../../config/parse.js';
import { widMethodFrom, type ResolvedWidOptions } from './index.js';

export const widMethod: DistillMethodEntry = {
  // WID README.md:65-70 (--warmup 0.01, --compactor_learning_rate 5e-5), uer/trainer.py:393-400 (decay 0.01), no clipping in uer/trainer.py
  optimizer: { lr: 5e-5, warmupFraction: 0.01, weightDecay: 0.01, clipNorm: 0, masking: 'bernoulli', beta2: 0.999, correctBias: false },
  // masked compactor entries still hold weight until they have decayed; the export slices them off
  objectiveTrainsStudent: false,
  sharedKeys: ['target', 'preset'],
  options: (o) => parseWith(widOptionsSchema, o, 'wid'),
  student: (teacher, o) => studentConfig(teacher, resolveTargetSizes(teacher, o as TargetRequest)),
  create: async (teacher, o) => widMethodFrom(teacher, o as ResolvedWidOptions),
};
