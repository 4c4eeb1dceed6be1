// One results.json from several reproduction runs (issue 23: the GPU series runs one seed per call, and a later call
// continues where the series stopped). Rows are identified by their key ("teacher", "wid50-s2", ...): a key found in
// several inputs keeps its most complete row (distillation completed, then most tasks scored, then the newest file),
// and the others are listed under merged.duplicates. Inputs must share the distillation budget and the fine-tuning
// recipe (a mixed series is refused, naming the file and the field), and each kind's distillation lr (`distillLr`: the
// lr sweep's choice or the published lr; refused naming the kind, its method and both lrs). Rows a later finding
// invalidated are left out by name (`--exclude FILE:KEY`, listed under merged.excluded), and their kinds' lrs with them.
// Scoring (scoring.ts) is computed again over the merged rows with the constant baselines the inputs recorded.
import type { ConstantBaseline, ReproScoring } from './scoring.js';
import { kindOf, scoreReproduction, seedOf } from './scoring.js';

export class ReproMergeError extends Error {
  constructor(message: string) { super(message); this.name = 'ReproMergeError'; }
}

interface Row {
  key: string; label: string; method: string; kind?: string; seed?: number | null;
  status?: { distill: string | null; finetune: string | null };
  tasks: Record<string, { score: number; partial?: boolean }>;
  parameters?: number | null;
  [k: string]: unknown;
}

export interface ReproResultsFile {
  kind?: string;
  written?: string;
  command?: string[];
  machine?: unknown;
  budget: { steps: number; batchSize: number; seqLen: number; seeds?: number[]; [k: string]: unknown };
  finetuneRecipe: { tasks?: string[]; lrGrid: number[]; epochs: number; batchSize?: number; maxLength?: number; maxTrainRows?: number | null; [k: string]: unknown };
  tasks: string[];
  models: Row[];
  scoring?: ReproScoring;
  /** Kind → the peak lr of its full runs (absent in files from before the lr sweep). */
  distillLr?: Record<string, number>;
  distillLrSweep?: unknown;
  /** After how many steps WID's first mask came; absent or null: after one scaled w_step (wid repro --wid-first-mask-step). */
  widFirstMaskStep?: number | null;
  [k: string]: unknown;
}

/** Fields every input must agree on (dotted paths into results.json). */
const SHARED = ['budget.steps', 'budget.batchSize', 'budget.seqLen', 'finetuneRecipe.lrGrid', 'finetuneRecipe.epochs',
  'finetuneRecipe.batchSize', 'finetuneRecipe.maxLength', 'finetuneRecipe.maxTrainRows', 'finetuneRecipe.taskMaxTrainRows'];

const at = (o: unknown, path: string) => path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o);

const completeness = (r: Row) => [
  r.method === 'teacher' || r.status?.distill === 'completed' ? 1 : 0,
  Object.values(r.tasks ?? {}).filter((t) => !t.partial).length,
  Object.keys(r.tasks ?? {}).length,
];

function better(a: Row, b: Row): boolean {
  const ca = completeness(a), cb = completeness(b);
  for (let i = 0; i < ca.length; i++) if (ca[i] !== cb[i]) return ca[i] > cb[i];
  return false; // equal: the later input wins (callers pass inputs oldest first)
}

/** Rows left out of one input (`wid repro-merge --exclude FILE:KEY,...`): e.g. rows a later fix showed to be wrong. */
export interface MergeExclusion { file: string; keys: string[] }

/** `--exclude FILE:KEY[,KEY...]` → the file and its keys; throws naming the option on a malformed value. */
export function parseExclusion(v: string): MergeExclusion {
  const i = v.lastIndexOf(':');
  const keys = i > 0 ? v.slice(i + 1).split(',').map((k) => k.trim()).filter(Boolean) : [];
  if (i <= 0 || !keys.length) throw new ReproMergeError(`--exclude: expected FILE:KEY[,KEY...] (e.g. run/results.json:wid50-s1), got "${v}"`);
  return { file: v.slice(0, i), keys };
}

/**
 * `glueConstants`: constant baselines computed from the GLUE dev files (wid repro-merge --glue), else the inputs'.
 * `exclude`: rows left out of named inputs; a kind with no row left in an input no longer counts towards its lr check.
 */
export function mergeReproResults(inputs: { file: string; results: ReproResultsFile }[], glueConstants?: Record<string, ConstantBaseline>,
  exclude: MergeExclusion[] = []) {
  if (!inputs.length) throw new ReproMergeError('repro-merge: expected at least one results.json');
  for (const { file, results } of inputs) {
    if (!Array.isArray(results.models) || !results.budget || !results.finetuneRecipe) {
      throw new ReproMergeError(`${file}: not a reproduction results.json (expected models, budget and finetuneRecipe)`);
    }
  }
  const excluded: { file: string; key: string }[] = [];
  for (const x of exclude) {
    const input = inputs.find((i) => i.file === x.file);
    if (!input) throw new ReproMergeError(`--exclude: ${x.file} is not one of the inputs (${inputs.map((i) => i.file).join(', ')})`);
    for (const key of x.keys) {
      if (!input.results.models.some((m) => m.key === key)) {
        throw new ReproMergeError(`--exclude: ${x.file} has no row "${key}" (its rows: ${input.results.models.map((m) => m.key).join(', ')})`);
      }
      excluded.push({ file: x.file, key });
    }
  }
  if (excluded.length) {
    inputs = inputs.map(({ file, results }) => {
      const drop = new Set(excluded.filter((x) => x.file === file).map((x) => x.key));
      if (!drop.size) return { file, results };
      const models = results.models.filter((m) => !drop.has(m.key));
      const kinds = new Set(models.map((m) => m.kind ?? kindOf(m.key)));
      const distillLr = results.distillLr && Object.fromEntries(Object.entries(results.distillLr).filter(([k]) => kinds.has(k)));
      return { file, results: { ...results, models, ...(distillLr ? { distillLr } : {}) } };
    });
  }
  // oldest first, so that on equal completeness the newest file wins
  const ordered = [...inputs].sort((a, b) => Date.parse(a.results.written ?? '') - Date.parse(b.results.written ?? '') || 0);
  const first = ordered[0];
  for (const { file, results } of ordered.slice(1)) {
    for (const path of SHARED) {
      const x = JSON.stringify(at(first.results, path) ?? null), y = JSON.stringify(at(results, path) ?? null);
      if (x !== y) throw new ReproMergeError(`${file}: ${path} is ${y}, but ${first.file} has ${x}; a merged series must share the budget and the fine-tuning recipe`);
    }
  }
  // WID's first mask (files from before the option: after one scaled w_step, null), among the inputs with a WID row
  let widFirst: { step: number | null; file: string } | null = null;
  for (const { file, results } of ordered) {
    if (!results.models.some((m) => m.method === 'wid')) continue;
    const step = typeof results.widFirstMaskStep === 'number' ? results.widFirstMaskStep : null;
    if (!widFirst) { widFirst = { step, file }; continue; }
    if (widFirst.step !== step) {
      const say = (x: number | null) => (x === null ? 'after one scaled w_step' : `after step ${x}`);
      throw new ReproMergeError(`${file}: WID's first mask came ${say(step)}, but in ${widFirst.file} ${say(widFirst.step)}; a merged series must share WID's schedule`
        + ' (--exclude the rows of one of them)');
    }
  }
  // each kind's distillation lr (files from before the lr sweep carry none): one series, one lr per kind
  const lrSeen = new Map<string, { lr: number; file: string }>();
  for (const { file, results } of ordered) {
    for (const [kind, lr] of Object.entries(results.distillLr ?? {})) {
      const prev = lrSeen.get(kind);
      if (!prev) { lrSeen.set(kind, { lr, file }); continue; }
      if (prev.lr !== lr) {
        const method = results.models.find((m) => (m.kind ?? kindOf(m.key)) === kind)?.method ?? kind;
        throw new ReproMergeError(`${file}: ${kind} (${method}) was distilled at lr ${lr}, but ${prev.file} at lr ${prev.lr}`
          + ' (the lr sweep chose differently); a merged series must share each method\'s lr');
      }
    }
  }
  const chosen = new Map<string, { row: Row; file: string }>();
  const duplicates: { key: string; kept: string; dropped: string }[] = [];
  for (const { file, results } of ordered) {
    for (const row of results.models) {
      const prev = chosen.get(row.key);
      if (!prev) { chosen.set(row.key, { row, file }); continue; }
      const keepNew = !better(prev.row, row);
      duplicates.push({ key: row.key, kept: keepNew ? file : prev.file, dropped: keepNew ? prev.file : file });
      if (keepNew) chosen.set(row.key, { row, file });
    }
  }
  const tasks = [...new Set(ordered.flatMap(({ results }) => results.tasks))];
  const constants: Record<string, ConstantBaseline> = { ...glueConstants };
  for (const { results } of ordered) {
    for (const [t, s] of Object.entries(results.scoring?.tasks ?? {})) constants[t] ??= { score: s.constant, prediction: s.constantPrediction };
  }
  const models = [...chosen.values()]
    .map(({ row, file }) => ({ ...row, kind: row.kind ?? kindOf(row.key), seed: row.seed ?? (row.method === 'teacher' ? null : seedOf(row.key)), source: file }))
    .sort((a, b) => Number(b.method === 'teacher') - Number(a.method === 'teacher') || a.kind.localeCompare(b.kind) || (a.seed ?? 0) - (b.seed ?? 0));
  const missing = tasks.flatMap((t) => models.filter((m) => m.tasks[t] === undefined).map((m) => `${m.key}: ${t}`));
  return {
    ...first.results,
    kind: 'wid-workbench-reproduction',
    written: new Date().toISOString(),
    command: ['repro-merge', ...inputs.map((i) => i.file)],
    tasks,
    distillLr: Object.fromEntries([...lrSeen].map(([k, v]) => [k, v.lr])),
    widFirstMaskStep: widFirst?.step ?? null,
    // the sweep record of the oldest input that still gives a distilled row (one left with only its teacher has none to explain)
    distillLrSweep: ordered.find(({ results }) => results.models.some((m) => m.method !== 'teacher'))?.results.distillLrSweep ?? null,
    budget: { ...first.results.budget, seeds: [...new Set(models.map((m) => m.seed).filter((s): s is number => s !== null))].sort((a, b) => a - b) },
    models,
    scoring: scoreReproduction(models, tasks, constants),
    // the Compare table of one store does not span several stores
    table: null,
    merged: {
      sources: ordered.map(({ file, results }) => ({ file, written: results.written ?? null, command: results.command ?? null, machine: results.machine ?? null,
        keys: results.models.map((m) => m.key), distillLrSweep: results.distillLrSweep ?? null })),
      duplicates,
      /** rows left out by --exclude, by input */
      excluded,
      /** model key: task it has no score for (not fine-tuned yet, or stopped before the task ended). */
      missing,
      constantsFrom: glueConstants ? 'the GLUE dev files' : Object.keys(constants).length ? 'the inputs\' scoring.tasks' : null,
    },
  };
}
