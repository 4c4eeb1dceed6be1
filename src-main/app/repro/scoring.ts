// Scores that can separate the methods (issue 23): per task the best constant prediction on the dev set and the
// teacher's margin over it; tasks where the teacher is within SIGNAL_MARGIN points of that constant are shown but left
// out of the headline average; every student kind (one row per distillation seed) as mean ± sample std over its seeds;
// and, for each pair of kinds, whether their difference exceeds the seed spread (|Δmean| > std_a + std_b, both n ≥ 2).
// Pure functions over results.json rows, so `wid repro` and `wid repro-merge` compute the same thing.
import { loadGlueSplit } from '../../engine/glue/tsv-loader.js';
import { glueMetrics, glueTaskScore } from '../../engine/glue/metrics.js';
import { GLUE_TASKS, type GlueTaskName } from '../../engine/glue/tasks.js';

/** Points (score × 100) the teacher must beat the constant prediction by for a task to count in the headline. */
export const SIGNAL_MARGIN = 3;

export interface ConstantBaseline {
  /** Best dev score of predicting one class for every row (regression: the dev mean, which correlates with nothing: 0). */
  score: number;
  /** The class predicted (its label as written in the file), or 'mean' for STS-B. */
  prediction: string;
}

/** The best constant prediction's score under the task's own metric, from the dev labels (MNLI: mean of its dev splits). */
export function constantBaseline(task: GlueTaskName, devLabels: number[][]): ConstantBaseline {
  const spec = GLUE_TASKS[task];
  if (!spec.labels) return { score: 0, prediction: 'mean' };
  let best: ConstantBaseline | null = null;
  spec.labels.forEach((label, c) => {
    const scores = devLabels.map((labels) => glueTaskScore(task, glueMetrics(task, new Array(labels.length).fill(c), labels)) ?? 0);
    const score = scores.reduce((a, b) => a + b, 0) / scores.length;
    if (!best || score > best.score) best = { score, prediction: label };
  });
  return best!;
}

export function constantBaselinesFromGlue(glue: string, tasks: GlueTaskName[]): Record<string, ConstantBaseline> {
  return Object.fromEntries(tasks.map((t) => [t, constantBaseline(t, loadGlueSplit(glue, t, 'dev').map((s) => s.examples.map((e) => e.label)))]));
}

/** The slice of a results.json model row scoring reads. */
export interface ScoredRow {
  key: string;
  label: string;
  method: string;
  tasks: Record<string, { score: number }>;
  parameters?: number | null;
}

export interface Stat { mean: number; std: number | null; n: number; values: number[] }

export interface TaskSignal {
  constant: number;
  constantPrediction: string;
  teacher: number | null;
  /** Teacher − constant, in points; null without a teacher score. */
  margin: number | null;
  /** margin > SIGNAL_MARGIN: counted in the headline average. */
  signal: boolean;
}

export interface KindSummary {
  /** Row key without its seed suffix ("wid50", "distilbert50", "teacher"). */
  kind: string;
  label: string;
  method: string;
  seeds: number[];
  parameters: number | null;
  tasks: Record<string, Stat>;
  /** Per seed: the mean over the signal tasks (only seeds scored on every signal task), then mean ± std over seeds. */
  headline: Stat | null;
  percentOfTeacher: number | null;
}

export interface Comparison {
  a: string; b: string; on: string;
  diff: number; spread: number | null;
  /** true: |diff| > std_a + std_b; false: within; null: a side has fewer than 2 seeds. */
  exceedsSpread: boolean | null;
  statement: string;
}

export interface ReproScoring {
  signalMargin: number;
  rule: string;
  tasks: Record<string, TaskSignal>;
  signalTasks: string[];
  kinds: KindSummary[];
  comparisons: Comparison[];
  statements: string[];
}

export const SEED_SUFFIX = /-s(\d+)$/;
export const kindOf = (key: string) => key.replace(SEED_SUFFIX, '');
export const seedOf = (key: string): number | null => { const m = SEED_SUFFIX.exec(key); return m ? Number(m[1]) : null; };
const kindLabel = (label: string) => label.replace(/\s*\(seed \d+\)$/, '');

export function stat(values: number[]): Stat {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const std = n >= 2 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : null;
  return { mean, std, n, values };
}

const pts = (x: number) => (x * 100).toFixed(1);
const fmt = (s: Stat) => `${pts(s.mean)}${s.std === null ? '' : ` ± ${pts(s.std)}`} (n=${s.n})`;

/** Scores are fractions as in results.json; margins and statements are in points (×100). */
export function scoreReproduction(rows: ScoredRow[], tasks: string[], constants: Record<string, ConstantBaseline>): ReproScoring {
  const teacher = rows.find((r) => r.method === 'teacher');
  const taskInfo: Record<string, TaskSignal> = {};
  for (const t of tasks) {
    const c = constants[t];
    if (!c) continue;
    const ts = teacher?.tasks[t]?.score ?? null;
    const margin = ts === null ? null : (ts - c.score) * 100;
    taskInfo[t] = { constant: c.score, constantPrediction: c.prediction, teacher: ts, margin, signal: margin !== null && margin > SIGNAL_MARGIN };
  }
  const signalTasks = tasks.filter((t) => taskInfo[t]?.signal);
  const byKind = new Map<string, ScoredRow[]>();
  for (const r of rows) byKind.set(kindOf(r.key), [...(byKind.get(kindOf(r.key)) ?? []), r]);
  const kinds: KindSummary[] = [];
  for (const [kind, members] of byKind) {
    const taskStats: Record<string, Stat> = {};
    for (const t of tasks) {
      const v = members.map((m) => m.tasks[t]?.score).filter((x): x is number => typeof x === 'number');
      if (v.length) taskStats[t] = stat(v);
    }
    const perSeed = signalTasks.length
      ? members.filter((m) => signalTasks.every((t) => typeof m.tasks[t]?.score === 'number')).map((m) => signalTasks.reduce((a, t) => a + m.tasks[t].score, 0) / signalTasks.length)
      : [];
    kinds.push({
      kind, label: kindLabel(members[0].label), method: members[0].method,
      seeds: members.map((m) => seedOf(m.key)).filter((s): s is number => s !== null).sort((a, b) => a - b),
      parameters: members.find((m) => typeof m.parameters === 'number')?.parameters ?? null,
      tasks: taskStats, headline: perSeed.length ? stat(perSeed) : null, percentOfTeacher: null,
    });
  }
  const teacherHeadline = kinds.find((k) => k.method === 'teacher')?.headline;
  for (const k of kinds) if (k.headline && teacherHeadline && teacherHeadline.mean > 0) k.percentOfTeacher = (100 * k.headline.mean) / teacherHeadline.mean;

  const comparisons: Comparison[] = [];
  const students = kinds.filter((k) => k.method !== 'teacher');
  for (let i = 0; i < students.length; i++) {
    for (let j = i + 1; j < students.length; j++) {
      const a = students[i], b = students[j];
      const on: [string, Stat | null | undefined, Stat | null | undefined][] = [
        ['headline', a.headline, b.headline], ...signalTasks.map((t) => [t, a.tasks[t], b.tasks[t]] as [string, Stat | undefined, Stat | undefined]),
      ];
      for (const [what, sa, sb] of on) {
        if (!sa || !sb) continue;
        const diff = (sa.mean - sb.mean) * 100;
        const spread = sa.std !== null && sb.std !== null ? (sa.std + sb.std) * 100 : null;
        const exceedsSpread = spread === null ? null : Math.abs(diff) > spread;
        const verdict = exceedsSpread === null ? 'cannot say (fewer than 2 seeds on a side)'
          : exceedsSpread ? `exceeds the seed spread (${spread!.toFixed(1)})` : `within the seed spread (${spread!.toFixed(1)})`;
        comparisons.push({ a: a.kind, b: b.kind, on: what, diff, spread, exceedsSpread,
          statement: `${what}: ${a.label} ${fmt(sa)} vs ${b.label} ${fmt(sb)}: difference ${diff >= 0 ? '+' : ''}${diff.toFixed(1)} points, ${verdict}` });
      }
    }
  }
  return {
    signalMargin: SIGNAL_MARGIN,
    rule: `a task counts in the headline average when the teacher beats the best constant prediction on its dev set by more than ${SIGNAL_MARGIN} points; `
      + 'kinds are mean ± sample std over distillation seeds; a difference exceeds the seed spread when |Δmean| > std_a + std_b (both n ≥ 2)',
    tasks: taskInfo, signalTasks, kinds, comparisons,
    statements: comparisons.filter((c) => c.on === 'headline').map((c) => c.statement),
  };
}
