// Which distillation runs a reproduction makes. Every student sees the same corpus, token budget
// (steps × batch × seqLen), seed and teacher; each method keeps its own published optimiser settings and
// loss weights (methods/registry.ts, each entry's optimizer), because nothing here overrides them.
//   - the 50 % group (one compare group per seed): WID at preset wid55 (half the teacher's parameters, the
//     paper's WID55 on BERT-base), DistilBERT and TinyBERT at that same student shape (and ALBERT / MobileBERT when
//     `--methods` asks for them);
//   - WID at preset wid11 (a tenth, the paper's WID11), first seed;
//   - optional WID-50 % variants, first seed: the hard-mask schedule, the logit-KD objective, the
//     effective-weight importance criterion; and TinyBERT started from the teacher (init: teacher-slice).
// With the lr sweep (sweep.ts) a stage's lr is the one its kind's sweep chose; without it, the method's published lr.
import { DEFAULT_WID_FIRST_MASK_STEP, type ReproOptions, type ReproVariant } from './options.js';

/** The state file (<out>/state.json): the registered inputs and each stage's run, so a second call resumes. */
export interface ReproState {
  teacherModelId?: number;
  corpusId?: number;
  glueId?: number;
  /** stage key → run id (distillation "wid50-s1", fine-tuning "finetune:teacher", "finetune:wid50-s1", lr sweep "sweep:wid50:x0.5"). */
  runs: Record<string, number>;
  groups: Record<string, number>;
  /** The lr of each sweep kind (sweep.ts), written once its sweep finished or --distill-lr gave it; the full runs were created with it. */
  sweepChosen?: Record<string, number>;
  /** Where each sweepChosen entry came from. */
  sweepChosenBy?: Record<string, 'sweep' | '--distill-lr'>;
}

export interface DistillStage {
  /** Stable name of the stage in the reproduction's state file and results ("wid50-s1", ...). */
  key: string;
  method: 'wid' | 'distilbert' | 'tinybert' | 'albert' | 'mobilebert';
  /** Row label in tables and plots. */
  label: string;
  /** Runs of one key prefix share a compare group (the 50 % group of one seed). */
  group?: string;
  config: Record<string, unknown>;
  /** Whose lr sweep sets this stage's lr: its kind (key without the seed), so every seed of a kind shares one lr. */
  sweepKind: string;
  /** The peak lr the sweep chose for this stage (absent: the method's published lr). */
  lr?: number;
}

const VARIANT_OPTIONS: Record<ReproVariant, { key: string; method: 'wid' | 'tinybert'; label: string; methodOptions: Record<string, unknown> }> = {
  hard: { key: 'wid50-hard', method: 'wid', label: 'WID-50% (hard masks)', methodOptions: { schedule: 'hard' } },
  kd: { key: 'wid50-kd', method: 'wid', label: 'WID-50% (logit KD)', methodOptions: { objective: 'kd' } },
  effective: { key: 'wid50-effective', method: 'wid', label: 'WID-50% (effective-weight importance)', methodOptions: { importance: 'effective' } },
  'tinybert-slice': { key: 'tinybert50-slice', method: 'tinybert', label: 'TinyBERT @ WID-50% shape (init from a teacher slice)', methodOptions: { init: 'teacher-slice' } },
};

/** Every row kind the options describe (WID-50 %, DistilBERT, TinyBERT, WID-10 %, extras, variants), `--kinds` aside. */
export const allKindsOf = (o: ReproOptions): string[] => [...new Set(planStages(o).map((s) => s.sweepKind))];

/** The kinds whose lr a sweep chooses: the row kinds this call runs (all, or those `--kinds` selects). */
export const sweepKindsOf = (o: ReproOptions): string[] => [...new Set(selectedStages(o).map((s) => s.sweepKind))];

/** `--kinds` selects the rows of one call of a series ("teacher" is its fine-tune, not a distillation). */
export const TEACHER_KIND = 'teacher';
export const runsTeacherFinetune = (o: ReproOptions): boolean => !o.kinds || o.kinds.includes(TEACHER_KIND);

const selectedStages = (o: ReproOptions): DistillStage[] => planStages(o).filter((s) => !o.kinds || o.kinds.includes(s.sweepKind));

/** `lrs`: the lr each sweep kind chose (absent: every method's published lr). */
export function distillStages(o: ReproOptions, lrs?: Record<string, number>): DistillStage[] {
  const stages = selectedStages(o);
  return lrs ? stages.map((s) => (lrs[s.sweepKind] === undefined ? s : { ...s, lr: lrs[s.sweepKind] })) : stages;
}

/**
 * The step of WID's first mask: `widFirstMaskStep`, else the authors' 500 where that leaves at least 90 % of the run
 * after it (shorter runs: null, the first mask after one scaled w_step).
 */
export function widFirstMaskStep(o: Pick<ReproOptions, 'steps' | 'widFirstMaskStep'>): number | null {
  if (o.widFirstMaskStep !== undefined) return o.widFirstMaskStep;
  return DEFAULT_WID_FIRST_MASK_STEP <= 0.1 * o.steps ? DEFAULT_WID_FIRST_MASK_STEP : null;
}

/** WID's schedule options of every WID row: the first mask as a share of the run (so a sweep's shorter run scales it). */
export function widScheduleOptions(o: Pick<ReproOptions, 'steps' | 'widFirstMaskStep'>): { firstMaskAt: number } | null {
  const first = widFirstMaskStep(o);
  return first === null ? null : { firstMaskAt: first / o.steps };
}

function planStages(o: ReproOptions): DistillStage[] {
  const budget = { steps: o.steps, batchSize: o.batchSize, seqLen: o.seqLen, backend: o.backend,
    ...(o.heldOutEvery ? { heldOutEvery: o.heldOutEvery, ...(o.heldOutLines ? { heldOutLines: o.heldOutLines } : {}) } : {}) };
  const stages: DistillStage[] = [];
  const wid = widScheduleOptions(o);
  for (const seed of o.seeds) {
    const group = `50% group, seed ${seed}`;
    const shared = { ...budget, seed, preset: 'wid55' };
    stages.push({ key: `wid50-s${seed}`, method: 'wid', label: `WID-50% (seed ${seed})`, group, config: { ...shared, ...(wid ? { methodOptions: wid } : {}) }, sweepKind: 'wid50' });
    stages.push({ key: `distilbert50-s${seed}`, method: 'distilbert', label: `DistilBERT @ WID-50% shape (seed ${seed})`, group, config: shared, sweepKind: 'distilbert50' });
    stages.push({ key: `tinybert50-s${seed}`, method: 'tinybert', label: `TinyBERT @ WID-50% shape (seed ${seed})`, group, config: shared, sweepKind: 'tinybert50' });
    // --methods albert,mobilebert: the same group, teacher, corpus, budget and WID-50 % target
    for (const m of o.extraMethods ?? []) {
      const name = m === 'albert' ? 'ALBERT' : 'MobileBERT';
      stages.push({ key: `${m}50-s${seed}`, method: m, label: `${name} @ WID-50% shape (seed ${seed})`, group, config: shared, sweepKind: `${m}50` });
    }
  }
  for (const s of o.wid10Seeds ?? [o.seeds[0]]) {
    stages.push({ key: `wid10-s${s}`, method: 'wid', label: `WID-10% (seed ${s})`, config: { ...budget, seed: s, preset: 'wid11', ...(wid ? { methodOptions: wid } : {}) }, sweepKind: 'wid10' });
  }
  const seed = o.seeds[0];
  for (const v of o.variants) {
    const { key, method, label, methodOptions } = VARIANT_OPTIONS[v];
    const options = method === 'wid' && wid ? { ...wid, ...methodOptions } : methodOptions;
    stages.push({ key: `${key}-s${seed}`, method, label: `${label} (seed ${seed})`, config: { ...budget, seed, preset: 'wid55', methodOptions: options }, sweepKind: key });
  }
  return stages;
}

/**
 * The fine-tuning config every model gets (teacher and students alike); a student is fine-tuned with its distillation
 * seed (so the seed spread covers both), the teacher with the first seed.
 */
export function finetuneConfig(o: ReproOptions, modelId: number, glueId: number, seed = o.seeds[0]): Record<string, unknown> {
  return {
    modelId, datasetId: glueId, tasks: o.tasks, sweep: { lr: o.lrGrid }, epochs: o.epochs, batchSize: o.finetuneBatch,
    maxLength: o.maxLength, backend: o.backend, seed, efficiency: true,
    ...(o.maxTrainRows ? { maxTrainRows: o.maxTrainRows } : {}),
    ...(o.taskMaxTrainRows && Object.keys(o.taskMaxTrainRows).length ? { maxTrainRowsByTask: o.taskMaxTrainRows } : {}),
  };
}
