// Issue 6 item 5 (UI): the Compare view's "Models × tasks" mode on real evaluations. A teacher (the tiny fixture)
// and two students distilled from it (WID, DistilBERT; a few steps) are fine-tuned on the committed RTE and
// SST-2 slices through the app's runner; then, in web mode in Chromium, the table must show exactly what
// `compare.table` returns (scores, GLUE average, % of teacher, efficiency), the export must be the text
// `wid compare` prints, and the "Runs" mode must still overlay loss curves and diff configs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { createService } from '../../src-main/app/service/index.js';
import type { Service } from '../../src-main/app/service/contract.js';
import type { ApiMethodName, ApiRequest, ApiResponse, GlueComparisonTable } from '../../src-main/shared/api/index.js';
import { launchBrowser, newPage, screenshot } from './support/browser.js';
import { serverAvailable, startServer, SERVE_ENTRY } from './support/webServer.js';

const skip = serverAvailable() ? false : `web server not built yet (${SERVE_ENTRY} missing)`;
const root = new URL('../..', import.meta.url).pathname;
const TEACHER = resolve(root, 'test/fixtures/bert/tiny-teacher');
const GLUE = resolve(root, 'test/fixtures/glue');
const CORPUS = resolve(root, 'test/fixtures/corpus/pride-and-prejudice.txt');

async function finished(s: Service, id: number): Promise<void> {
  for (let i = 0; i < 1500; i++) {
    const run = await s.call('runs.get', { id });
    if (run.status === 'completed') return;
    if (['failed', 'cancelled', 'interrupted'].includes(run.status)) throw new Error(`run ${id} ${run.status}: ${run.error}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`run ${id} did not finish in 300 s`);
}

/**
 * Teacher + WID and DistilBERT students fine-tuned on the first rows of the RTE and SST-2 slices (1 epoch); the
 * DistilBERT student only on RTE, so the table has a missing cell and its % of teacher is over RTE alone. (Models
 * this small and this briefly trained predict one class, so every complete row would show the same scores.)
 */
async function recordEvaluations(home: string) {
  const s = await createService({ home, mode: 'cli', startRunner: true });
  try {
    const teacher = await s.call('models.register', { path: TEACHER, name: 'tiny-teacher', kind: 'teacher' });
    const corpus = await s.call('datasets.register', { path: CORPUS, kind: 'corpus', name: 'corpus' });
    const glue = await s.call('datasets.register', { path: GLUE, kind: 'glue', name: 'glue slices' });
    const distil = { teacherModelId: teacher.id, datasetId: corpus.id, steps: 6, batchSize: 4, seqLen: 32, lr: 5e-3, warmupSteps: 1,
      backend: 'wasm' as const, seed: 7, target: { layers: 2, hidden: 32, heads: 4, intermediate: 64 } };
    const wid = await s.call('runs.create', { method: 'wid', name: 'wid student', config: { ...distil, methodOptions: { pruneStart: 0.1, pruneEnd: 0.5, pruneEvents: 2 } } });
    await finished(s, wid.id);
    const db = await s.call('runs.create', { method: 'distilbert', name: 'distilbert student', config: distil });
    await finished(s, db.id);
    const models = await s.call('models.list', {});
    assert.equal(models.length, 3, `teacher + two registered students, got ${models.map((m) => m.name).join(', ')}`);
    const finetunes: number[] = [];
    for (const m of models) {
      const tasks: ('RTE' | 'SST-2')[] = m.sourceRunId === db.id ? ['RTE'] : ['RTE', 'SST-2'];
      const ft = await s.call('runs.create', { method: 'finetune', name: `finetune ${m.name}`, config: {
        modelId: m.id, datasetId: glue.id, tasks, lr: 3e-3, epochs: 1, batchSize: 16, maxLength: 32,
        maxTrainRows: 64, maxDevRows: 60, dropout: 0, efficiencyIters: 1, backend: 'wasm', seed: 1 } });
      await finished(s, ft.id);
      finetunes.push(ft.id);
    }
    // The raw stored scores, to check compare.table (and so the view) independently.
    const stored = new Map<number, Record<string, number>>();
    for (const [i, id] of finetunes.entries()) {
      const evals = await s.call('runs.evaluations', { id });
      stored.set(models[i].id, Object.fromEntries(evals.filter((e) => e.metric === 'score').map((e) => [e.task, e.value])));
    }
    return { teacher, models, finetunes, stored };
  } finally {
    await s.close();
  }
}

function apiCaller(url: string) {
  const { origin, searchParams } = new URL(url);
  const token = searchParams.get('token')!;
  return async <M extends ApiMethodName>(method: M, req: ApiRequest<M>): Promise<ApiResponse<M>> => {
    const res = await fetch(`${origin}/api/call/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-wid-token': token }, body: JSON.stringify(req) });
    const body = await res.json() as { result?: ApiResponse<M>; error?: { message: string } };
    if (!res.ok || body.error) throw new Error(`${method}: ${body.error?.message ?? res.status}`);
    return body.result!;
  };
}

/** Every cell of the view's table: row name -> column -> { text, value }. */
async function readTable(page: Page) {
  return page.getByTestId('model-row').evaluateAll((trs) => trs.map((tr) => ({
    name: tr.getAttribute('data-model')!,
    label: tr.querySelector('th')!.textContent!.trim(),
    cells: Object.fromEntries(Array.from(tr.querySelectorAll('td')).map((td) => [td.getAttribute('data-col')!, { text: td.textContent!.trim(), value: td.getAttribute('data-value')! }])),
  })));
}

async function download(page: Page, testid: string): Promise<{ name: string; text: string }> {
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
  return { name: d.suggestedFilename(), text: readFileSync((await d.path())!, 'utf8') };
}

const score = (v: number | null) => (v == null ? '—' : (100 * v).toFixed(1));
const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-9, `${what}: ${a} vs ${b}`);

test('Compare "Models × tasks" shows compare.table for a fine-tuned teacher and two students, exports CSV/Markdown as wid compare does', { skip, timeout: 420_000 }, async () => {
  const home = mkdtempSync(join(tmpdir(), 'wid-browser-compare-'));
  const browser = await launchBrowser();
  let server: Awaited<ReturnType<typeof startServer>> | null = null;
  try {
    const { teacher, models, finetunes, stored } = await recordEvaluations(home);
    server = await startServer(home);
    const call = apiCaller(server.url);
    const studentIds = models.filter((m) => m.id !== teacher.id).map((m) => m.id);
    const table: GlueComparisonTable = await call('compare.table', { modelIds: studentIds, teacherModelId: teacher.id });
    assert.deepEqual(table.tasks, ['SST-2', 'RTE']);

    // compare.table against the stored evaluations and a hand computation of average and % of teacher.
    const byName = new Map(models.map((m) => [table.rows.find((r) => r.name === m.name)!, m]));
    const teacherRow = table.rows.find((r) => r.isTeacher)!;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    for (const [row, model] of byName) {
      const mine = stored.get(model.id)!, have = table.tasks.filter((t) => t in mine);
      for (const t of table.tasks) {
        if (t in mine) close(row.scores[t]!, mine[t], `${row.name} ${t}`);
        else assert.equal(row.scores[t], null, `${row.name} has no ${t} evaluation`);
      }
      close(row.average!, mean(have.map((t) => mine[t])), `${row.name} average`);
      close(row.percentOfTeacher!, (100 * mean(have.map((t) => mine[t]))) / mean(have.map((t) => teacherRow.scores[t]!)), `${row.name} % of teacher`);
      assert.equal(row.parameterCount, model.parameterCount);
      assert.ok(row.fileSize! > 0 && row.latencyMsBatch1! > 0 && row.throughputBatch32! > 0, `${row.name} has efficiency figures`);
    }

    const { page, errors } = await newPage(browser);
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.goto(`${server.url}#/compare`);
    assert.equal(await page.getByTestId('compare-tab-models').getAttribute('aria-selected'), 'true');
    await page.getByTestId('model-comparison-table').waitFor({ timeout: 20_000 });
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=model-row]').length === 3);

    const shown = await readTable(page);
    assert.deepEqual(shown.map((r) => r.name), table.rows.map((r) => r.name), 'rows in compare.table order (teacher first)');
    for (const [i, r] of table.rows.entries()) {
      const c = shown[i].cells;
      assert.equal(shown[i].label, r.isTeacher ? `${r.name} (teacher)` : r.name);
      for (const t of table.tasks) {
        assert.equal(c[t].text, score(r.scores[t]), `${r.name} ${t} shown`);
        assert.equal(c[t].value, r.scores[t] == null ? '' : String(r.scores[t]), `${r.name} ${t} exact`);
      }
      assert.equal(c.average.text, score(r.average));
      assert.equal(Number(c.average.value), r.average);
      assert.equal(c.percentOfTeacher.text, `${r.percentOfTeacher!.toFixed(1)} %`);
      assert.equal(c.parameterCount.text, `${(r.parameterCount! / 1e3).toFixed(1)} k`);
      assert.equal(Number(c.fileSize.value), r.fileSize);
      assert.equal(c.latencyMsBatch1.text, r.latencyMsBatch1!.toFixed(2));
      assert.equal(c.throughputBatch32.text, r.throughputBatch32!.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 }));
    }
    assert.equal(shown[0].cells.percentOfTeacher.text, '100.0 %');
    const partial = table.rows.findIndex((r) => r.missingTasks.length > 0);
    assert.deepEqual(table.rows[partial].missingTasks, ['SST-2']);
    assert.equal(shown[partial].cells['SST-2'].text, '—', 'a task the model was not fine-tuned on shows a dash');
    await page.waitForFunction(() => document.querySelector('[data-testid=models-score-scatter]')?.getAttribute('data-points') === '3');
    assert.equal(await page.getByTestId('models-task-bars').getAttribute('data-bars'), '6');
    await screenshot(page, 'compare-models-tasks');

    // Export: the same text `wid compare` prints for these models and teacher.
    const wid = (format: string) => execFileSync(process.execPath, [join(root, 'bin/wid.mjs'), '--home', home, 'compare',
      '--models', studentIds.join(','), '--teacher', String(teacher.id), '--format', format], { cwd: root, encoding: 'utf8' });
    const csv = await download(page, 'models-export-csv');
    assert.match(csv.name, /^glue-comparison-.*\.csv$/);
    assert.equal(csv.text, (await call('compare.export', { modelIds: studentIds, teacherModelId: teacher.id, format: 'csv' })).text);
    assert.equal(csv.text, wid('csv'));
    const lines = csv.text.trim().split('\n');
    assert.equal(lines[0], 'model,parameters,MFLOPs/token,file bytes,latency ms (b1),throughput/s (b32),SST-2,RTE,GLUE avg,% of teacher');
    assert.equal(lines.length, 4);
    assert.equal(lines[1], ['tiny-teacher (teacher)', teacherRow.parameterCount,
      teacherRow.flopsPerToken == null ? '' : (teacherRow.flopsPerToken / 1e6).toFixed(2), teacherRow.fileSize, teacherRow.latencyMsBatch1!.toFixed(2),
      teacherRow.throughputBatch32!.toFixed(1), score(teacherRow.scores['SST-2']), score(teacherRow.scores.RTE), score(teacherRow.average), '100.0'].join(','));
    const md = await download(page, 'models-export-md');
    assert.match(md.name, /^glue-comparison-.*\.md$/);
    assert.equal(md.text, wid('markdown'));
    assert.match(md.text, /^\| model \| parameters \| MFLOPs\/token \| file bytes \| latency ms \(b1\) \| throughput\/s \(b32\) \| SST-2 \| RTE \| GLUE avg \| % of teacher \|\n\| --- \| ---: /);
    for (const r of table.rows.slice(1)) assert.ok(md.text.includes(`| ${r.name} | ${r.parameterCount} |`), `${r.name} in the Markdown`);
    const pngs: string[] = [];
    page.on('download', (d) => pngs.push(d.suggestedFilename()));
    await page.getByTestId('models-export-png').click();
    for (let i = 0; i < 50 && pngs.length < 2; i++) await page.waitForTimeout(100);
    assert.equal(pngs.length, 2, `two chart PNGs, got ${pngs.join(', ')}`);
    assert.ok(pngs.every((n) => /^glue-(score-vs-params|task-scores)-.*\.png$/.test(n)), pngs.join(', '));

    // Tasks: leaving SST-2 out asks the server for RTE only (average and % of teacher over RTE), export included.
    await page.getByTestId('task-pick-SST-2').uncheck();
    await page.waitForFunction(() => !document.querySelector('[data-col="SST-2"]') && document.querySelectorAll('[data-col="RTE"]').length === 3);
    const rteOnly = await call('compare.table', { modelIds: studentIds, teacherModelId: teacher.id, tasks: ['RTE'] });
    const shownRte = await readTable(page);
    for (const r of rteOnly.rows) {
      const row = shownRte.find((x) => x.name === r.name)!;
      assert.equal(row.cells.average.value, r.average == null ? '' : String(r.average), `${r.name} RTE-only average`);
      assert.equal(row.cells.percentOfTeacher.value, r.percentOfTeacher == null ? '' : String(r.percentOfTeacher), `${r.name} RTE-only % of teacher`);
    }
    assert.equal((await download(page, 'models-export-csv')).text,
      (await call('compare.export', { modelIds: studentIds, teacherModelId: teacher.id, tasks: ['RTE'], format: 'csv' })).text);
    assert.equal(await page.getByTestId('task-pick-RTE').isDisabled(), true, 'the last task left cannot be unticked');
    await page.getByTestId('task-pick-SST-2').check();
    await page.waitForFunction(() => document.querySelectorAll('[data-col="SST-2"]').length === 3);

    // Picks: without one student the table has two rows; no teacher → no % of teacher.
    await page.getByTestId(`model-pick-${studentIds[1]}`).uncheck();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=model-row]').length === 2);
    await page.getByTestId('teacher-pick').selectOption({ label: '— none —' });
    await page.waitForFunction(() => Array.from(document.querySelectorAll('[data-col=percentOfTeacher]')).every((td) => td.textContent!.trim() === '—')
      && document.querySelectorAll('[data-testid=model-row]').length === 2);

    // Keyboard: the tabs are a tablist; ArrowRight moves to "Runs", whose loss overlay and config diff still work.
    await page.getByTestId('compare-tab-models').focus();
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => location.hash === '#/compare/runs');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'compare-tab-runs');
    assert.equal(await page.locator('#compare-panel-models').isHidden(), true);
    await page.getByTestId(`compare-pick-${finetunes[0]}`).check();
    await page.getByTestId(`compare-pick-${finetunes[1]}`).check();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=compare-chart]')?.getAttribute('data-points')) > 0);
    await page.getByTestId('config-diff').waitFor();
    assert.match(await page.getByTestId('config-diff').innerText(), /modelId/);
    await screenshot(page, 'compare-runs-tab');
    await page.getByTestId('compare-tab-runs').focus();
    await page.keyboard.press('ArrowLeft');
    await page.getByTestId('model-comparison-table').waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await server?.stop();
    await browser.close();
    rmSync(home, { recursive: true, force: true });
  }
});
