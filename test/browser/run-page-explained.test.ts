// Issue 14 items 4, 7, 8 on a real WID run and a real fine-tune of its student: WID's rising loss is explained on
// its chart (pruning events marked, student size beside it); the fine-tune's page has one section per task with
// its dev curve and says which model it fine-tuned; every run has the log the CLI would print.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { RunRecord } from '../../src-main/shared/api/index.js';
import { screenshot } from './support/browser.js';
import { FIXTURES, waitForRun, type Call } from './support/api.js';
import { browserSession } from './support/session.js';
import { serverAvailable, SERVE_ENTRY } from './support/webServer.js';

const skip = serverAvailable() ? false : `web server not built yet (${SERVE_ENTRY} missing)`;
let page: Page, call: Call, url: string, errors: string[];
let wid: RunRecord, finetune: RunRecord;
browserSession('wid-run-page-', skip, async (s) => {
  ({ page, call, errors } = s); url = s.server.url;
  const teacher = await call('models.register', { path: FIXTURES.teacher, name: 'tiny teacher' });
  const corpus = await call('datasets.register', { path: FIXTURES.corpus, kind: 'corpus', name: 'pride' });
  const glue = await call('datasets.register', { path: FIXTURES.glue, kind: 'glue', name: 'glue' });
  wid = await waitForRun(call, (await call('runs.create', { method: 'wid', name: 'wid pruned', config: {
    teacherModelId: teacher.id, datasetId: corpus.id, steps: 8, batchSize: 2, seqLen: 16, backend: 'wasm', seed: 3,
    target: { layers: 2, hidden: 32, heads: 4, intermediate: 64 }, methodOptions: { pruneStart: 0.1, pruneEnd: 0.6, pruneEvents: 3 } } })).id, 60_000);
  assert.equal(wid.status, 'completed', wid.error ?? '');
  const student = (await call('models.list', { kind: 'student' })).find((m) => m.sourceRunId === wid.id)!;
  finetune = await waitForRun(call, (await call('runs.create', { method: 'finetune', name: 'wid pruned · GLUE', parentRunId: wid.id, config: {
    modelId: student.id, datasetId: glue.id, tasks: ['RTE', 'SST-2'], lr: 3e-3, sweep: { lr: [3e-3, 1e-3] }, epochs: 2, batchSize: 16,
    maxLength: 32, maxTrainRows: 32, maxDevRows: 32, efficiency: false, backend: 'wasm', seed: 1 } })).id, 90_000);
  assert.equal(finetune.status, 'completed', finetune.error ?? '');
});

test('a WID run page marks the pruning events on its loss chart, shows the student size beside it and explains the rise', { skip, timeout: 30_000 }, async () => {
  await page.goto(`${url}#/runs/${wid.id}`);
  await page.getByTestId('wid-loss-note').waitFor({ timeout: 10_000 });
  const sizes = (await call('runs.metrics', { id: wid.id, names: ['size/params'] })).map((p) => p.value);
  const shrinks = sizes.filter((v, i) => i > 0 && v < sizes[i - 1]).length;
  assert.ok(shrinks >= 1, `the schedule pruned at least once (sizes ${sizes.join(', ')})`);
  assert.equal(await page.getByTestId('loss-chart').getAttribute('data-markers'), String(shrinks));
  assert.equal(await page.getByTestId('student-size-chart').getAttribute('data-markers'), String(shrinks));
  assert.match(await page.getByTestId('wid-loss-note').innerText(), new RegExp(`the ${shrinks} dashed lines? ✂ mark the steps where the student shrank`));
  // the result shows rounded numbers; the exact JSON is one click away
  const result = await page.getByTestId('run-result').innerText();
  const decimals = result.match(/-?\d+\.\d+(e-?\d+)?/g) ?? [];
  assert.ok(decimals.length > 0);
  for (const d of decimals) assert.ok(d.replace(/e.*/, '').replace(/^-?0\.0*|\./g, '').length <= 4, `${d}: at most 4 significant digits in ${result}`);
  await screenshot(page, 'run-page-wid-pruning-explained');
  assert.deepEqual(errors, []);
});

test('a run page shows the settings the job ran with: defaults the user did not type, the request one click away', { skip, timeout: 30_000 }, async () => {
  await page.goto(`${url}#/runs/${wid.id}`);
  const settingsBox = page.getByTestId('run-settings');
  await settingsBox.waitFor({ timeout: 10_000 });
  const shown = JSON.parse(await settingsBox.innerText()) as Record<string, unknown>;
  assert.deepEqual(shown, await call('runs.settings', { id: wid.id }), 'the page shows runs.settings, the stored parsed config');
  const opts = shown.methodOptions as Record<string, unknown>;
  // WID's defaults, none of them in the request
  assert.equal(opts.objective, 'mlm');
  assert.equal(opts.attentionStrategy, 'dim');
  assert.equal(opts.teacherLr, 1e-6);
  assert.equal(shown.lr, 5e-5, 'WID\'s published learning rate');
  assert.equal(opts.pruneEvents, 3, 'what the user typed');
  assert.ok(!JSON.stringify(wid.config).includes('objective'), 'the request did not name the objective');
  await page.getByText('As requested').click();
  assert.deepEqual(JSON.parse(await page.getByTestId('run-config').innerText()), wid.config);
  assert.deepEqual(errors, []);
});

test('every run keeps the log the CLI prints: backend, artifacts, the registered student', { skip, timeout: 30_000 }, async () => {
  await page.goto(`${url}#/runs/${wid.id}`);
  const log = page.getByTestId('run-log-lines');
  await log.waitFor({ timeout: 10_000 });
  const text = await log.innerText();
  assert.match(text, /INFO +backend: wasm/);
  assert.match(text, /INFO +artifact student: /);
  assert.match(text, /INFO +registered student model #\d+/);
  assert.deepEqual(await call('runs.log', { id: wid.id }).then((l) => l.length), text.trim().split('\n').length);
  await page.getByTestId('run-log').scrollIntoViewIfNeeded();
  await screenshot(page, 'run-page-log');
  assert.deepEqual(errors, []);
});

test('a fine-tune page has one section per task with its dev curve, lr-grid points marked, and names the model it fine-tuned', { skip, timeout: 30_000 }, async () => {
  await page.goto(`${url}#/runs/${finetune.id}`);
  await page.getByTestId('finetune-task-section').first().waitFor({ timeout: 10_000 });
  assert.deepEqual(await page.getByTestId('finetune-task-section').evaluateAll((els) => els.map((e) => e.getAttribute('data-task'))), ['RTE', 'SST-2']);
  assert.match(await page.getByTestId('finetune-of').innerText(), /^student #\d+ /);
  assert.equal(await page.getByTestId('parent-link').innerText(), `run ${wid.id}`);
  const tasks = finetune.result!.tasks as Record<string, { best: { score: number; lr: number } }>;
  for (const t of ['RTE', 'SST-2']) {
    const section = page.locator(`[data-testid=finetune-task-section][data-task="${t}"]`);
    // 32 rows / batch 16 = 2 steps per epoch, 2 epochs, 2 grid points: 8 steps per task; one dev point per epoch
    assert.equal(await section.getByTestId(`finetune-loss-${t}`).getAttribute('data-points'), '8');
    assert.equal(await section.getByTestId(`finetune-loss-${t}`).getAttribute('data-markers'), '1', 'the second lr of the grid is marked');
    assert.ok(Number(await section.getByTestId(`finetune-dev-${t}`).getAttribute('data-points')) >= 4, `${t} has dev points for both grid points`);
    assert.match(await section.locator('h2').innerText(), new RegExp(`best dev score ${(100 * tasks[t].best.score).toFixed(1)} \\(lr ${tasks[t].best.lr}`));
  }
  // against the distillation run that made its model, the config diff lists only settings both runs have
  const diffKeys = await page.getByTestId('run-config-diff').locator('tbody tr td:first-child').allInnerTexts();
  assert.ok(diffKeys.length > 0 && diffKeys.every((k) => ['batchSize', 'datasetId', 'seed'].includes(k)), diffKeys.join(', '));
  assert.match(await page.getByTestId('run-config-diff-one-sided').innerText(), /wid and finetune are different methods: \d+ settings only one of them has are left out/);
  // dev scores read ×100 like every other score
  const last = (await call('runs.metrics', { id: finetune.id, names: ['dev/RTE/score'] })).reduce((a, b) => (b.step >= a.step ? b : a));
  assert.equal(await page.getByTestId('value-dev/RTE/score').innerText(), (100 * last.value).toFixed(1));
  await screenshot(page, 'run-page-finetune-per-task');
  assert.deepEqual(errors, []);
});
