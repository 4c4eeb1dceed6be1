// The table users compare on: models × GLUE tasks, each cell the task score (mean of the task's
// metrics), a GLUE average, the % of the teacher's score, and the efficiency figures beside them.
import { GLUE_SCORE_COLUMNS, glueTask } from './tasks.js';
import { glueTaskScore } from './metrics.js';

export interface ComparisonModel {
  name: string;
  isTeacher?: boolean;
  /** Stored parameters (a shared ALBERT layer once). */
  parameterCount?: number | null;
  /** Forward FLOPs per token at sequence 128 (every application of a shared layer counted): compute beside size. */
  flopsPerToken?: number | null;
  fileSize?: number | null;
  latencyMsBatch1?: number | null;
  throughputBatch32?: number | null;
}

/** One stored evaluation (as in EvaluationRecord) attributed to a model by name. */
export interface ComparisonEvaluation { model: string; task: string; metric: string; value: number }

export interface ComparisonRow extends Required<Omit<ComparisonModel, 'isTeacher'>> {
  isTeacher: boolean;
  /** Task score per column (fraction, 0..1 for most tasks); null where the model has no evaluation. */
  scores: Record<string, number | null>;
  /** Mean of the model's task scores over the columns it has; null if it has none. */
  average: number | null;
  /** Average over the tasks both this model and the teacher have, as % of the teacher's average there. */
  percentOfTeacher: number | null;
  missingTasks: string[];
}

export interface ComparisonTable { tasks: string[]; teacher: string | null; rows: ComparisonRow[] }

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** Evaluations with this task carry efficiency figures (metric = a ComparisonModel field), not scores. */
export const EFFICIENCY_TASK = 'efficiency';
const EFFICIENCY_FIELDS = ['parameterCount', 'flopsPerToken', 'fileSize', 'latencyMsBatch1', 'throughputBatch32'] as const;

export function buildComparison(input: { models: ComparisonModel[]; evaluations: ComparisonEvaluation[]; tasks?: string[] }): ComparisonTable {
  const names = new Set(input.models.map((m) => m.name));
  // Efficiency figures measured by the evaluate/finetune jobs fill the columns the model record leaves empty.
  const measured = new Map<string, Partial<Record<(typeof EFFICIENCY_FIELDS)[number], number>>>();
  for (const e of input.evaluations) {
    if (e.task !== EFFICIENCY_TASK || !(EFFICIENCY_FIELDS as readonly string[]).includes(e.metric)) continue;
    measured.set(e.model, { ...measured.get(e.model), [e.metric]: e.value });
  }
  const scoreEvaluations = input.evaluations.filter((e) => e.task !== EFFICIENCY_TASK);
  for (const e of scoreEvaluations) {
    if (!names.has(e.model)) throw new Error(`evaluation for "${e.model}" (${e.task}/${e.metric}) names no model in the comparison: ${[...names].join(', ')}`);
    glueTask(e.task); // throws on an unknown task name
  }
  const seen = new Set(scoreEvaluations.map((e) => e.task));
  const tasks = input.tasks ?? GLUE_SCORE_COLUMNS.filter((t) => seen.has(t));
  const teachers = input.models.filter((m) => m.isTeacher);
  if (teachers.length > 1) throw new Error(`more than one teacher in the comparison: ${teachers.map((t) => t.name).join(', ')}`);
  const teacher = teachers[0]?.name ?? null;

  // Latest value wins when a metric was stored twice (e.g. a re-run): evaluations come oldest first.
  const scoreOf = (model: string, task: string): number | null => {
    const metrics: Record<string, number> = {};
    for (const e of scoreEvaluations) if (e.model === model && e.task === task) metrics[e.metric] = e.value;
    return glueTaskScore(task, metrics);
  };
  const scores = new Map(input.models.map((m) => [m.name, Object.fromEntries(tasks.map((t) => [t, scoreOf(m.name, t)]))]));
  const teacherScores = teacher ? scores.get(teacher)! : null;

  const rows = input.models.map((m): ComparisonRow => {
    const s = scores.get(m.name)!;
    const eff = measured.get(m.name) ?? {};
    const have = tasks.filter((t) => s[t] !== null);
    let percentOfTeacher: number | null = null;
    if (teacherScores) {
      const shared = have.filter((t) => teacherScores[t] !== null);
      const mine = mean(shared.map((t) => s[t]!)), theirs = mean(shared.map((t) => teacherScores[t]!));
      if (mine !== null && theirs !== null && theirs !== 0) percentOfTeacher = (100 * mine) / theirs;
    }
    return {
      name: m.name,
      isTeacher: m.name === teacher,
      parameterCount: m.parameterCount ?? eff.parameterCount ?? null,
      flopsPerToken: m.flopsPerToken ?? eff.flopsPerToken ?? null,
      fileSize: m.fileSize ?? eff.fileSize ?? null,
      latencyMsBatch1: m.latencyMsBatch1 ?? eff.latencyMsBatch1 ?? null,
      throughputBatch32: m.throughputBatch32 ?? eff.throughputBatch32 ?? null,
      scores: s,
      average: mean(have.map((t) => s[t]!)),
      percentOfTeacher,
      missingTasks: tasks.filter((t) => s[t] === null),
    };
  });
  return { tasks, teacher, rows };
}
