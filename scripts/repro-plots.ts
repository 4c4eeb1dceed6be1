// `npm run repro:plots -- RESULTS.json OUTDIR`: the reproduction's plots as PNG, drawn with Chart.js in
// headless Chromium (Debian chromium, playwright-core; WID_CHROMIUM overrides the path), from results.json
// alone: score vs parameters (GLUE average over the tasks every plotted model was scored on), per-task dev
// scores, and the distillation curves (one chart per objective: their losses mean different things). With the issue-23
// scoring in results.json (scoring.kinds: mean ± std over distillation seeds, headline over the tasks with signal) the
// score charts plot one point or bar per kind at its seed mean, and the held-out MLM loss of every student (the same
// quantity for every method: WID's is the merged student's) gets its own chart; with the lr sweep (distillLrSweep) each
// kind's held-out loss after its sweep run, relative to its start, against the multiple of its published lr.
import { readFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

interface Row { key: string; label: string; method: string; parameters: number | null; tasks: Record<string, { score: number }>; curve: { step: number; loss: number }[]; heldOutCurve?: { step: number; loss: number }[] }
interface Stat { mean: number; std: number | null; n: number }
interface Kind { kind: string; label: string; method: string; parameters: number | null; tasks: Record<string, Stat>; headline: Stat | null }
interface Scoring { signalTasks: string[]; kinds: Kind[]; tasks: Record<string, { constant: number }> }
const [resultsPath, outDir] = process.argv.slice(2);
if (!resultsPath || !outDir) { console.error('usage: repro-plots RESULTS.json OUTDIR'); process.exit(2); }
const results = JSON.parse(readFileSync(resultsPath, 'utf8')) as { tasks: string[]; models: Row[]; scoring?: Scoring };
const scored = results.models.filter((m) => Object.keys(m.tasks).length > 0);
const common = results.tasks.filter((t) => scored.every((m) => m.tasks[t]));
const avg = (m: Row) => common.reduce((s, t) => s + m.tasks[t].score, 0) / common.length * 100;
const COLORS: Record<string, string> = { teacher: '#333333', wid: '#1f77b4', distilbert: '#d62728', tinybert: '#2ca02c' };
const colorOf = (m: Row, i: number) => (m.key.startsWith('wid10') ? '#9467bd' : m.key.includes('-hard') ? '#17becf' : m.key.includes('-kd') ? '#ff7f0e' : COLORS[m.method] ?? `hsl(${i * 60},60%,45%)`);

const charts: Record<string, unknown> = {
  'score-vs-parameters': {
    type: 'scatter',
    data: { datasets: scored.map((m, i) => ({ label: m.label, data: [{ x: (m.parameters ?? 0) / 1e6, y: avg(m) }], backgroundColor: colorOf(m, i), borderColor: colorOf(m, i), borderWidth: 2, pointRadius: 8, pointStyle: ['circle', 'rect', 'triangle', 'rectRot', 'star', 'crossRot'][i % 6] })) },
    options: { animation: false, plugins: { title: { display: true, text: `GLUE dev average over ${common.join(', ')} vs parameters` } },
      scales: { x: { title: { display: true, text: 'parameters (millions, encoder + embeddings + pooler)' }, min: 0 }, y: { title: { display: true, text: 'average dev score' } } } },
  },
  'per-task': {
    type: 'bar',
    data: { labels: results.tasks, datasets: scored.map((m, i) => ({ label: m.label, backgroundColor: colorOf(m, i), data: results.tasks.map((t) => (m.tasks[t] ? m.tasks[t].score * 100 : null)) })) },
    options: { animation: false, plugins: { title: { display: true, text: 'Dev score per task (missing bar: not scored within the time limit)' } }, scales: { y: { min: 0, title: { display: true, text: 'dev score' } } } },
  },
};
if (results.scoring?.signalTasks.length) {
  const sc = results.scoring;
  const kinds = sc.kinds.filter((k) => k.headline);
  const ks = (k: Kind) => ({ key: k.kind, method: k.method }) as Row;
  const pm = (x: Stat) => `${(x.mean * 100).toFixed(1)}${x.std === null ? '' : ` ± ${(x.std * 100).toFixed(1)}`}, n=${x.n}`;
  charts['score-vs-parameters'] = {
    type: 'scatter',
    data: { datasets: kinds.map((k, i) => ({ label: `${k.label} (${pm(k.headline!)})`, data: [{ x: (k.parameters ?? 0) / 1e6, y: k.headline!.mean * 100 }], backgroundColor: colorOf(ks(k), i), borderColor: colorOf(ks(k), i), borderWidth: 2, pointRadius: 8, pointStyle: ['circle', 'rect', 'triangle', 'rectRot', 'star', 'crossRot'][i % 6] })) },
    options: { animation: false, plugins: { title: { display: true, text: `Headline: dev average over the tasks with signal (${sc.signalTasks.join(', ')}), mean over seeds (± std in the legend)` } },
      scales: { x: { title: { display: true, text: 'parameters (millions, encoder + embeddings + pooler)' }, min: 0 }, y: { title: { display: true, text: 'average dev score' } } } },
  };
  charts['per-task'] = {
    type: 'bar',
    data: { labels: results.tasks, datasets: [
      { label: 'constant prediction', backgroundColor: '#bbbbbb', data: results.tasks.map((t) => (sc.tasks[t] ? sc.tasks[t].constant * 100 : null)) },
      ...sc.kinds.map((k, i) => ({ label: k.label, backgroundColor: colorOf(ks(k), i), data: results.tasks.map((t) => (k.tasks[t] ? k.tasks[t].mean * 100 : null)) })),
    ] },
    options: { animation: false, plugins: { title: { display: true, text: `Dev score per task, mean over seeds (no signal: ${results.tasks.filter((t) => !sc.signalTasks.includes(t)).join(', ') || 'none'})` } }, scales: { y: { min: 0, title: { display: true, text: 'dev score' } } } },
  };
}
const heldOut = results.models.filter((m) => m.heldOutCurve?.length);
if (heldOut.length) {
  charts['heldout-mlm'] = {
    type: 'line',
    data: { datasets: heldOut.map((m, i) => ({ label: m.method === 'tinybert' ? `${m.label} (general distillation does not train the MLM head)` : m.label, data: m.heldOutCurve!.map((p) => ({ x: p.step, y: p.loss })), borderColor: colorOf(m, i), pointRadius: 2, borderWidth: 1.5 })) },
    options: { animation: false, parsing: false, plugins: { title: { display: true, text: 'held-out MLM loss of the student as exported (WID: merged at its masks of the moment)' } },
      scales: { x: { type: 'linear', title: { display: true, text: 'step' } }, y: { title: { display: true, text: 'held-out MLM loss' } } } },
  };
}
// the distillation lr sweep: per kind its held-out loss (its own objective) after the short run, relative to where it started
interface SweepKind { kind: string; label: string; method: string; grid: { multiplier: number; heldOutLoss: number | null; heldOutFirstLoss: number | null }[]; chosenMultiplier: number | null }
const sweep = (results as { distillLrSweep?: { steps: number; methods: Record<string, SweepKind> } | null }).distillLrSweep;
if (sweep && Object.keys(sweep.methods).length) {
  const kindsSwept = Object.values(sweep.methods);
  charts['lr-sweep'] = {
    type: 'line',
    data: { datasets: kindsSwept.map((k, i) => ({
      label: `${k.label} (chosen ×${k.chosenMultiplier ?? '—'})`,
      data: k.grid.filter((p) => p.heldOutLoss !== null && p.heldOutFirstLoss).map((p) => ({ x: p.multiplier, y: p.heldOutLoss! / p.heldOutFirstLoss! })),
      borderColor: colorOf({ key: k.kind, method: k.method } as Row, i), pointRadius: 4, borderWidth: 1.5 })) },
    options: { animation: false, parsing: false, plugins: { title: { display: true, text: `lr sweep: held-out loss of each method's own objective on the student it exports (WID: the merged student's MLM loss) after ${sweep.steps} steps, relative to its start` } },
      scales: { x: { type: 'logarithmic', title: { display: true, text: 'multiple of the method\'s published lr' } }, y: { title: { display: true, text: 'held-out loss / loss at step 0' } } } },
  };
}
// distillation curves, one chart per loss kind
const kinds: Record<string, Row[]> = {};
for (const m of results.models) if (m.curve.length) (kinds[m.key.includes('-kd') ? 'wid-kd' : m.method] ??= []).push(m);
for (const [kind, rows] of Object.entries(kinds)) {
  charts[`curve-${kind}`] = {
    type: 'line',
    data: { datasets: rows.map((m, i) => ({ label: m.label, data: m.curve.map((p) => ({ x: p.step, y: p.loss })), borderColor: colorOf(m, i), pointRadius: 0, borderWidth: 1.5 })) },
    options: { animation: false, parsing: false, plugins: { title: { display: true, text: `${kind} distillation loss (its own objective)` } },
      scales: { x: { type: 'linear', title: { display: true, text: 'step' } }, y: { title: { display: true, text: 'loss' } } } },
  };
}

const require = createRequire(import.meta.url);
const chartJs = readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8');
mkdirSync(outDir, { recursive: true });
const browser = await chromium.launch({ executablePath: process.env.WID_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
try {
  const page = await browser.newPage({ viewport: { width: 900, height: 520 }, deviceScaleFactor: 2 });
  await page.setContent(`<html><body style="margin:0;background:#fff"><div style="width:880px;height:500px;padding:10px"><canvas id="c"></canvas></div><script>${chartJs}</script></body></html>`);
  for (const [name, spec] of Object.entries(charts)) {
    await page.evaluate((s) => {
      const w = window as unknown as { Chart: new (el: HTMLCanvasElement, spec: unknown) => { destroy(): void }; current?: { destroy(): void } };
      w.current?.destroy();
      w.current = new w.Chart(document.getElementById('c') as HTMLCanvasElement, { ...(s as object), options: { ...(s as { options: object }).options, responsive: true, maintainAspectRatio: false } });
    }, spec);
    await page.locator('div').first().screenshot({ path: join(outDir, `${name}.png`) });
    console.log(`repro-plots: ${join(outDir, `${name}.png`)}`);
  }
} finally { await browser.close(); }
