// The registry entry (methods/registry.ts) of a baseline built from the teacher's config and its own options:
// DistilBERT, TinyBERT, ALBERT and MobileBERT differ only in the functions they pass (and the family of the student).
import type * as z from 'zod';
import type { BertConfig } from '../../bert/index.js';
import { parseWith } from '../../config/parse.js';
import type { FamilyConfig, ModelFamily } from '../../model-family/index.js';
import type { DistillMethod } from '../../train/method.js';
import type { DistillMethodEntry } from '../registry.js';
import type { Teacher } from './teacher.js';

export function baselineEntry<O extends object>(m: {
  name: 'distilbert' | 'tinybert' | 'albert' | 'mobilebert';
  /** The family of the students it builds (default BERT). */
  family?: ModelFamily;
  optimizer: DistillMethodEntry['optimizer'];
  setup: (teacher: BertConfig, o: O) => { studentConfig: FamilyConfig };
  /** Its options schema (shared/api/method-options.ts). */
  schema: z.ZodType;
  create: (teacher: Teacher, o: O) => DistillMethod | Promise<DistillMethod>;
}): DistillMethodEntry {
  return {
    studentFamily: m.family ?? 'bert',
    optimizer: m.optimizer,
    sharedKeys: ['target', 'preset', 'seed'],
    options: (o) => parseWith(m.schema, o, m.name) as Record<string, unknown>,
    student: (teacher, o) => m.setup(teacher, o as O).studentConfig,
    create: async (teacher, o) => m.create(teacher, o as O),
  };
}
