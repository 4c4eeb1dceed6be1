// The registry entry (methods/registry.ts) of a baseline built from the teacher's config and its own options:
// DistilBERT, TinyBERT, ALBERT and MobileBERT differ only in the functions they pass (and the family of the student).
import type * as z from 'zod';
import type { BertConfig } from '../../bert/index.js';
import { parseWith } from '../../config/parse.js';
import type { FamilyConfig, ModelFamily } from '../../model-family/index.js';
import type { DistillMethod } from '../../train/method.js';
import type { DistillMethodEntry } from '../registry.js';
import type { Teacher } from './teacher.js';

export function baselineEntry<O extends object, R extends O>(m: {
  name: 'distilbert' | 'tinybert' | 'albert' | 'mobilebert';
  /** The family of the students it builds (default BERT). */
  family?: ModelFamily;
  optimizer: DistillMethodEntry['optimizer'];
  setup: (teacher: BertConfig, o: O) => { studentConfig: FamilyConfig };
  /** Its options schema (shared/api/method-options.ts). */
  schema: z.ZodType;
  /** The method for options its schema parsed (it does not parse them again). */
  create: (teacher: Teacher, o: R) => DistillMethod | Promise<DistillMethod>;
}): DistillMethodEntry {
  return {
    studentFamily: m.family ?? 'bert',
    optimizer: m.optimizer,
    sharedKeys: ['target', 'preset', 'seed'],
    options: (o) => parseWith(m.schema, o, m.name) as Record<string, unknown>,
    student: (teacher, o) => m.setup(teacher, o as O).studentConfig,
    create: async (teacher, o) => m.create(teacher, o as R),
  };
}
