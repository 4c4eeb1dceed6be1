// The GLUE scoring form's settings → a `finetune` job config (without modelId: the caller adds the model, or
// groups.finetune does for every member). One learning rate fine-tunes once; several make an lr grid (`sweep.lr`),
// and the run keeps each task's best dev score over the grid, as BERT's authors chose their fine-tuning lr.
// Every bound and default comes from the finetune schema (shared/api/glue-config.ts), so the form and the service agree.
import { runConfigLimits, type FieldLimits } from '../../../src-main/shared/api/run-config.js';
import { MAX_LR_GRID } from '../../../src-main/shared/api/glue-config.js';

/** The finetune schema's limits (min, max, default, help) of each field. */
export const FINETUNE = runConfigLimits.finetune as Record<string, FieldLimits>;
const lim = (key: string) => FINETUNE[key]!;
export interface FinetuneSettings {
  datasetId: number | null;
  tasks: string[];
  epochs: number;
  /** Learning rates separated by commas or spaces, e.g. "2e-5, 3e-5, 5e-5". */
  lrText: string;
  batchSize: number;
  maxLength: number;
  /** null: every training row; else the first N rows. */
  maxTrainRows: number | null;
  /** null: every dev row; else the first N rows of each dev split. */
  maxDevRows: number | null;
  efficiency: boolean;
  backend: string;
  /** The training step's matmul precision (docs/precision.md): auto, fp32 or f16-tc. */
  precision: string;
}

/** BERT's GLUE grid (Devlin et al. 2019, §4.1: the best dev lr among 5e-5, 4e-5, 3e-5, 2e-5; batch 32, 3 epochs). */
export const DEFAULT_LR_GRID = '2e-5, 3e-5, 4e-5, 5e-5';

export function defaultFinetuneSettings(backend = 'auto'): FinetuneSettings {
  return {
    datasetId: null, tasks: [], epochs: lim('epochs').default as number, lrText: DEFAULT_LR_GRID, batchSize: lim('batchSize').default as number,
    maxLength: lim('maxLength').default as number, maxTrainRows: null, maxDevRows: null, efficiency: lim('efficiency').default as boolean, backend,
    precision: lim('precision').default as string,
  };
}

/** The learning rates in the text, or the problem with it (the job takes 1 to 8 values in (0, 1)). */
export function parseLrGrid(text: string): { values: number[]; problem: string | null } {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  if (!parts.length) return { values: [], problem: 'Learning rate: give one value, or several separated by commas for a grid.' };
  const values = parts.map(Number);
  const { min, max } = lim('lr');
  const bad = parts.filter((_, i) => !Number.isFinite(values[i]) || values[i] <= min! || values[i] >= max!);
  if (bad.length) return { values: [], problem: `Learning rate must be in (${min}, ${max}): ${bad.map((b) => `“${b}”`).join(', ')} is not.` };
  if (new Set(values).size !== values.length) return { values: [], problem: 'Learning rate: a value is listed twice.' };
  if (values.length > MAX_LR_GRID) return { values: [], problem: `Learning rate grid: at most ${MAX_LR_GRID} values (got ${values.length}).` };
  return { values, problem: null };
}

const whole = (v: number, key: string) => Number.isInteger(v) && v >= lim(key).min! && v <= lim(key).max!;
/** The bound a value breaks: "≥ 1", or "at most 100000000" above it. */
const bound = (v: number, key: string) => (Number.isFinite(v) && v > lim(key).max! ? `at most ${lim(key).max}` : `≥ ${lim(key).min}`);

export function finetuneProblems(s: FinetuneSettings): string[] {
  const out: string[] = [];
  if (s.datasetId == null) out.push('Choose a GLUE folder (register one under Datasets).');
  else if (!s.tasks.length) out.push('Choose at least one task.');
  if (!whole(s.epochs, 'epochs')) out.push(`Epochs must be a whole number from ${lim('epochs').min} to ${lim('epochs').max} (got ${s.epochs}).`);
  const lr = parseLrGrid(s.lrText).problem;
  if (lr) out.push(lr);
  if (!whole(s.batchSize, 'batchSize')) out.push(`Batch size must be a whole number from ${lim('batchSize').min} to ${lim('batchSize').max} (got ${s.batchSize}).`);
  if (!whole(s.maxLength, 'maxLength')) out.push(`Max length must be between ${lim('maxLength').min} and ${lim('maxLength').max} (got ${s.maxLength}).`);
  if (s.maxTrainRows != null && !whole(s.maxTrainRows, 'maxTrainRows')) out.push(`Training rows must be empty (all) or a whole number ${bound(s.maxTrainRows, 'maxTrainRows')} (got ${s.maxTrainRows}).`);
  if (s.maxDevRows != null && !whole(s.maxDevRows, 'maxDevRows')) out.push(`Dev rows must be empty (all) or a whole number ${bound(s.maxDevRows, 'maxDevRows')} (got ${s.maxDevRows}).`);
  return out;
}

/** The finetune config for these settings; call only when finetuneProblems is empty. */
export function finetuneConfig(s: FinetuneSettings, seed?: number): Record<string, unknown> {
  const lrs = parseLrGrid(s.lrText).values;
  const config: Record<string, unknown> = {
    datasetId: s.datasetId, tasks: [...s.tasks], epochs: s.epochs, lr: lrs[0], batchSize: s.batchSize, maxLength: s.maxLength,
    efficiency: s.efficiency, backend: s.backend,
  };
  if (lrs.length > 1) config.sweep = { lr: lrs };
  if (s.maxTrainRows != null) config.maxTrainRows = s.maxTrainRows;
  if (s.maxDevRows != null) config.maxDevRows = s.maxDevRows;
  if (s.precision !== 'auto') config.precision = s.precision;
  if (seed !== undefined) config.seed = seed;
  return config;
}

/** "RTE+SST-2": the tasks part of a fine-tune run's name. */
export const tasksLabel = (tasks: string[]) => tasks.join('+');

const STORAGE_KEY = 'wid.finetune.settings';

/** The settings last used in any fine-tune form of this browser, over the defaults (null: nothing kept). */
export function savedFinetuneSettings(): Partial<FinetuneSettings> | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const v = JSON.parse(raw) as Record<string, unknown>;
    const d = defaultFinetuneSettings();
    const out: Partial<FinetuneSettings> = {};
    // the backend follows where the form is (a group's members' backend, the machine's best): it is not kept
    for (const k of Object.keys(d) as (keyof FinetuneSettings)[]) {
      if (!(k in v) || k === 'backend') continue;
      const want = d[k] === null ? typeof v[k] : typeof d[k];
      if (v[k] === null || typeof v[k] === want || (k === 'tasks' && Array.isArray(v[k]))) (out as Record<string, unknown>)[k] = v[k];
    }
    return out;
  } catch { return null; }
}

export function keepFinetuneSettings(s: FinetuneSettings): void {
  try { localStorage.setItem(STORAGE_KEY, JSON.stringify(s)); } catch { /* private mode: settings are not kept */ }
}

/** Training steps these settings make: every task × lr-grid point × epochs × ceil(rows / batch). */
export function finetuneSteps(s: FinetuneSettings, trainRows: Record<string, number | undefined>): number {
  const grid = Math.max(1, parseLrGrid(s.lrText).values.length);
  return s.tasks.reduce((n, t) => n + grid * s.epochs * Math.ceil(Math.min(trainRows[t] ?? 0, s.maxTrainRows ?? Infinity) / Math.max(1, s.batchSize)), 0);
}

/** One line per score: which run and settings produced it. */
export function sourceText(src: { runId: number; seed: number; settings: { lr: number | null; lrGrid: number[] | null; epochs: number | null; batchSize: number | null; maxTrainRows: number | null; maxLength: number | null } }): string {
  const s = src.settings;
  const lr = s.lrGrid && s.lrGrid.length > 1 ? `lr grid ${s.lrGrid.join(', ')}` : `lr ${s.lr ?? '?'}`;
  return `run #${src.runId}: ${lr}, ${s.epochs ?? '?'} epoch${s.epochs === 1 ? '' : 's'}, batch ${s.batchSize ?? '?'}, ${s.maxTrainRows == null ? 'all' : s.maxTrainRows} training rows, max length ${s.maxLength ?? '?'}, seed ${src.seed}`;
}
