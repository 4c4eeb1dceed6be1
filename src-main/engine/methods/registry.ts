// The distillation methods, one entry each: a new method is its folder (with a registration.ts) plus one line
// here. The distill job, the service's runs.plan and the effective-settings view all read this table.
import type { BertConfig } from '../bert/index.js';
import type { FamilyConfig, ModelFamily } from '../model-family/index.js';
import type { MaskingKind } from '../train/masking.js';
import type { DistillMethod } from '../train/method.js';
import type { Teacher } from './common/teacher.js';
import { widMethod } from './wid/registration.js';
import { distilBertMethod } from './distilbert/registration.js';
import { tinyBertMethod } from './tinybert/registration.js';
import { albertMethod } from './albert/registration.js';
import { mobileBertMethod } from './mobilebert/registration.js';

export interface DistillMethodEntry {
  /**
   * The method's published optimiser and masking (docs/wid.md §2, docs/baselines.md): used for every key the run
   * config leaves out, so a compare group shares budget and data but each method trains as its authors did.
   */
  optimizer: { lr: number; warmupFraction: number; weightDecay: number; clipNorm: number; masking: MaskingKind; beta2: number; correctBias: boolean };
  /**
   * False where the objective trains another model than the student exported (WID: the teacher-width compactor
   * model, merged and sliced only at export): a comparison of its runs (wid repro's lr sweep) then scores the exported
   * student's held-out MLM loss (loss/heldout-mlm), not the objective's (loss/heldout-distill). Absent: true.
   */
  objectiveTrainsStudent?: boolean;
  /** Run-config keys shared by a compare group that the method takes when its own options leave them out. */
  sharedKeys: readonly ('target' | 'preset' | 'seed')[];
  /**
   * Its options parsed with its schema (shared/api/method-options.ts) without the teacher: every default filled in
   * (what the run page shows as effective settings), a ConfigError naming the option otherwise.
   */
  options(o: Record<string, unknown>): Record<string, unknown>;
  /** The family of the students it builds (model-family/); absent = BERT. */
  studentFamily?: ModelFamily;
  /** The student it builds from this teacher (a config of studentFamily); throws naming the size field that cannot work. */
  student(teacher: BertConfig, o: Record<string, unknown>): FamilyConfig;
  /** The method for the parsed options (`options`' result with the run's seed). */
  create(teacher: Teacher, o: Record<string, unknown>): Promise<DistillMethod>;
}

export const DISTILL_METHODS = {
  wid: widMethod,
  distilbert: distilBertMethod,
  tinybert: tinyBertMethod,
  albert: albertMethod,
  mobilebert: mobileBertMethod,
} satisfies Record<string, DistillMethodEntry>;

export type DistillMethodName = keyof typeof DISTILL_METHODS;
export const DISTILL_METHOD_NAMES = Object.keys(DISTILL_METHODS) as DistillMethodName[];

export const isDistillMethod = (m: unknown): m is DistillMethodName => typeof m === 'string' && Object.hasOwn(DISTILL_METHODS, m);
