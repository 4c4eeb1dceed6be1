// The reproduction's table as docs/reproduction.md shows it, written from a (merged) results.json so the doc and the
// file agree to the digit: per kind its parameters, its distillation seconds, per task mean ± sample std over seeds,
// the headline average over the tasks with signal and its share of the teacher's; above them the best constant
// prediction per task and the teacher's margin over it (tasks without signal are marked and left out of the headline).
import type { ReproResultsFile } from './merge.js';
import type { ReproScoring, Stat } from './scoring.js';
import { kindOf, stat } from './scoring.js';

const pts = (x: number) => (x * 100).toFixed(1);
const cell = (s: Stat | null | undefined) => (!s ? '—' : `${pts(s.mean)}${s.std === null ? '' : ` ± ${pts(s.std)}`}${s.n > 1 ? ` (n=${s.n})` : ''}`);
const int = (n: number | null | undefined) => (typeof n === 'number' ? n.toLocaleString('en-US') : '—');

/** Distillation seconds per seed (the loop's time: batches, steps, the wait for the GPU) → "mean" or "mean ± std"; — for the teacher. */
function secondsCell(results: ReproResultsFile, kind: string): string {
  const secs = results.models
    .filter((m) => kindOf(m.key) === kind)
    .map((m) => (m.distill as { wallSeconds?: unknown } | null | undefined)?.wallSeconds)
    .filter((s): s is number => typeof s === 'number');
  if (!secs.length) return '—';
  const { mean, std } = stat(secs);
  return std === null ? mean.toFixed(0) : `${mean.toFixed(0)} ± ${std.toFixed(0)}`;
}

/** Markdown table (GitHub pipes) of a results.json that carries `scoring`; throws if it does not. */
export function reproMarkdownTable(results: ReproResultsFile): string {
  const scoring = results.scoring as ReproScoring | undefined;
  if (!scoring) throw new Error('results.json has no scoring (written by wid repro / wid repro-merge)');
  const tasks = results.tasks;
  const head = tasks.map((t) => (scoring.signalTasks.includes(t) ? t : `${t} (no signal)`));
  const lines = [
    `| | parameters | distillation s | ${head.join(' | ')} | headline | % of teacher |`,
    `|---|--:|--:|${tasks.map(() => '--:').join('|')}|--:|--:|`,
    `| best constant prediction | | | ${tasks.map((t) => (scoring.tasks[t] ? pts(scoring.tasks[t].constant) : '—')).join(' | ')} | | |`,
    `| teacher's margin over it | | | ${tasks.map((t) => { const m = scoring.tasks[t]?.margin; return typeof m === 'number' ? `${m >= 0 ? '+' : ''}${m.toFixed(1)}` : '—'; }).join(' | ')} | | |`,
  ];
  for (const k of scoring.kinds) {
    const pct = k.percentOfTeacher === null ? '—' : `${k.percentOfTeacher.toFixed(1)} %`;
    lines.push(`| ${k.label} | ${int(k.parameters)} | ${secondsCell(results, k.kind)} | ${tasks.map((t) => cell(k.tasks[t])).join(' | ')} | ${cell(k.headline)} | ${pct} |`);
  }
  lines.push('', 'distillation s: the training loop\'s time per seed (reading batches, the steps, waiting for the GPU), without the '
    + 'held-out evaluations and checkpoints; a run that shared the GPU with another counts the sharing.');
  return `${lines.join('\n')}\n`;
}
