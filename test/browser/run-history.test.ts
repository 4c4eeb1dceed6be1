// Issue 8 item 4 in web mode: the run table (method, teacher, size, status, score, date) with search and sort,
// tags and notes, archive, duplicate into the wizard with a config diff, and delete with confirmation that removes
// the run's folder. Runs are a tiny WID run (scored on GLUE from its page) and two selftests, set up through the API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { RunRecord } from '../../src-main/shared/api/index.js';
import { screenshot } from './support/browser.js';
import { browserSession } from './support/session.js';
import { FIXTURES, waitForRun, type Call } from './support/api.js';
import { serverAvailable, SERVE_ENTRY, type RunningServer } from './support/webServer.js';
import { openStore } from '../../src-main/app/store/index.js';
import { fillFinetuneForm, settled } from './support/ui.js';

const skip = serverAvailable() ? false : `web server not built yet (${SERVE_ENTRY} missing)`;
let home: string;
let server: RunningServer;
let page: Page;
let errors: string[];
let call: Call;
let wid: RunRecord, alpha: RunRecord, beta: RunRecord;

browserSession('wid-history-', skip, async (s) => {
  ({ home, server, page, errors, call } = s);
  const teacher = await call('models.register', { path: FIXTURES.teacher, name: 'tiny teacher' });
  const corpus = await call('datasets.register', { path: FIXTURES.corpus, kind: 'corpus' });
  await call('datasets.register', { path: FIXTURES.glue, kind: 'glue', name: 'glue slices' });
  const queued = [
    await call('runs.create', { method: 'wid', name: 'wid small', config: { teacherModelId: teacher.id, datasetId: corpus.id, preset: 'wid11', steps: 4, batchSize: 2, seqLen: 16, backend: 'wasm', seed: 3 } }),
    await call('runs.create', { method: 'selftest', name: 'alpha baseline', config: { steps: 3, batchSize: 2, seqLen: 16, seed: 1, backend: 'wasm', delayMs: 0 } }),
    await call('runs.create', { method: 'selftest', name: 'beta probe', config: { steps: 3, batchSize: 2, seqLen: 16, seed: 2, backend: 'wasm' } }),
  ];
  [wid, alpha, beta] = await Promise.all(queued.map((r) => waitForRun(call, r.id)));
  for (const r of [wid, alpha, beta]) assert.equal(r.status, 'completed', `setup run ${r.name} ended ${r.status}: ${r.error}`);
});

const rowNames = () => page.getByTestId('run-row').locator('td.name a').allInnerTexts();
/** A server-side sort re-reads the list after the header already shows the new order. */
const settledRowNames = (want: string[]) => settled(rowNames, want);
const sortedBy = async (key: string, order: 'ascending' | 'descending') => {
  const header = page.locator('th', { has: page.getByTestId(`sort-${key}`) });
  for (let i = 0; i < 2 && (await header.getAttribute('aria-sort')) !== order; i++) await page.getByTestId(`sort-${key}`).click();
  assert.equal(await header.getAttribute('aria-sort'), order);
};

test('the run table shows teacher, size, status and a GLUE score once the student is fine-tuned from its run page; sort and search', { skip, timeout: 55_000 }, async () => {
  await page.goto(`${server.url}#/runs/${wid.id}`);
  await page.getByTestId('finetune-form').waitFor({ timeout: 10_000 });
  await fillFinetuneForm(page, { tasks: ['SST-2'], lr: '0.001', epochs: '1', batch: '8', maxLength: '32', rows: '32' });
  await page.getByTestId('finetune-start').click();
  await page.getByTestId('run-title').filter({ hasText: 'wid small · GLUE SST-2' }).waitFor({ timeout: 10_000 });
  await page.locator('[data-testid=run-title] [data-testid=status]').filter({ hasText: /completed|failed/ }).waitFor({ timeout: 40_000 });
  const finetune = (await call('runs.list', { method: ['finetune'] }))[0];
  assert.equal(finetune.status, 'completed', `finetune ended ${finetune.status}: ${finetune.error}`);
  assert.equal(finetune.parentRunId, wid.id);
  const sst2 = (await call('runs.evaluations', { id: finetune.id })).filter((e) => e.task === 'SST-2');
  const student = (await call('models.list', { kind: 'student' })).find((m) => m.sourceRunId === wid.id)!;
  assert.ok(sst2.length && sst2.every((e) => e.modelId === student.id), 'the finetune scored the WID student');
  const expected = ((sst2.reduce((a, e) => a + e.value, 0) / sst2.length) * 100).toFixed(1); // SST-2 has one metric (accuracy), stored also as its score

  await page.getByTestId('nav-runs').click();
  const row = (name: string) => page.getByTestId('run-row').filter({ has: page.locator('td.name a', { hasText: new RegExp(`^${name}$`) }) });
  await row('wid small').getByTestId('cell-score').filter({ hasText: expected }).waitFor({ timeout: 10_000 });
  const cells = await row('wid small').locator('td').allInnerTexts();
  assert.deepEqual([cells[3], cells[5], cells[6], cells[7]], ['wid', 'tiny teacher', '39.2k', 'completed']);
  assert.equal(wid.result?.parameterCount, 39_208);
  assert.equal(await row('alpha baseline').getByTestId('cell-score').innerText(), '—');
  await sortedBy('score', 'descending');
  const byScore = await rowNames();
  assert.deepEqual(new Set(byScore.slice(0, 2)), new Set(['wid small', 'wid small · GLUE SST-2']), `scored runs first: ${byScore.join(', ')}`);
  await screenshot(page, 'history-score-column-sorted-by-score');

  // Size sorts on the numbers, not on the formatted text; runs without a size would go last.
  await sortedBy('params', 'ascending');
  const runs = await call('runs.list', {});
  const bySize = [...runs].sort((a, b) => Number(a.result?.parameterCount) - Number(b.result?.parameterCount) || a.id - b.id).map((r) => r.name);
  assert.deepEqual(await settledRowNames(bySize), bySize);
  await sortedBy('name', 'ascending');
  const byName = runs.map((r) => r.name).sort((a, b) => a.localeCompare(b));
  assert.deepEqual(await settledRowNames(byName), byName);

  await page.getByTestId('runs-search').fill('alpha');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=run-row]').length === 1);
  assert.deepEqual(await rowNames(), ['alpha baseline']);
  await screenshot(page, 'history-search');
  await page.getByTestId('runs-search').fill('no such run');
  await page.getByTestId('runs-empty').waitFor();
  assert.match(await page.getByTestId('runs-empty').innerText(), /No runs match “no such run”/);
  await page.getByTestId('runs-search').fill('');
  assert.deepEqual(errors, []);
});

test('tags and notes are saved and searchable; archiving hides a run until "Show archived"', { skip, timeout: 40_000 }, async () => {
  await page.goto(`${server.url}#/runs/${beta.id}`);
  await page.getByTestId('run-tags').fill('baseline, keep');
  await page.getByTestId('run-notes').fill('compare with alpha later');
  assert.match(await page.getByTestId('notes-status').innerText(), /Unsaved changes/);
  await page.getByTestId('save-notes').click();
  await page.getByTestId('notes-status').filter({ hasText: 'Saved' }).waitFor({ timeout: 10_000 });
  const stored = await call('runs.get', { id: beta.id });
  assert.deepEqual([stored.tags, stored.notes], [['baseline', 'keep'], 'compare with alpha later']);
  await page.reload();
  await page.getByTestId('run-tags').waitFor();
  assert.equal(await page.getByTestId('run-tags').inputValue(), 'baseline, keep');
  assert.equal(await page.getByTestId('run-notes').inputValue(), 'compare with alpha later');

  await page.getByTestId('nav-runs').click();
  for (const q of ['keep', 'alpha later']) {
    await page.getByTestId('runs-search').fill(q);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=run-row]').length === 1);
    assert.deepEqual(await rowNames(), ['beta probe'], `search "${q}"`);
  }
  assert.match(await page.getByTestId('run-row').innerText(), /baseline\s*keep/);
  await page.getByTestId('runs-search').fill('');

  await page.goto(`${server.url}#/runs/${beta.id}`);
  await page.getByTestId('archive-run').click();
  await page.locator('[data-testid=run-title] [data-testid=archived-badge]').waitFor({ timeout: 10_000 });
  assert.equal(await page.getByTestId('archive-run').innerText(), 'Unarchive');
  await page.getByTestId('nav-runs').click();
  await page.getByTestId('runs-table').waitFor();
  assert.ok(!(await rowNames()).includes('beta probe'), 'an archived run is hidden from the table');
  await page.getByTestId('show-archived').check();
  const archived = page.getByTestId('run-row').filter({ hasText: 'beta probe' });
  await archived.waitFor({ timeout: 10_000 });
  assert.equal(await archived.getByTestId('archived-badge').innerText(), 'archived');
  await screenshot(page, 'history-tags-notes-archived');
  await page.getByTestId('show-archived').uncheck();
  assert.deepEqual(errors, []);
});

test('Duplicate pre-fills the wizard from a run; the copy links its parent and diffs its config against it', { skip, timeout: 40_000 }, async () => {
  await page.goto(`${server.url}#/runs/${alpha.id}`);
  await page.getByTestId('duplicate-run').click();
  await page.getByTestId('duplicate-source').waitFor({ timeout: 10_000 });
  assert.match(await page.getByTestId('duplicate-source').innerText(), new RegExp(`run #${alpha.id} alpha baseline`));
  assert.equal(await page.getByTestId('method-selftest').isChecked(), true);
  assert.equal(await page.getByTestId('run-name').inputValue(), 'alpha baseline (copy)');
  assert.deepEqual(await Promise.all(['steps', 'batch-size', 'seq-len', 'seed'].map((t) => page.getByTestId(t).inputValue())), ['3', '2', '16', '1']);
  assert.equal(await page.getByTestId('backend-select').inputValue(), 'wasm');
  await screenshot(page, 'history-duplicate-prefilled');

  await page.getByTestId('steps').fill('4');
  await page.getByTestId('start-run').click();
  await page.getByTestId('run-title').filter({ hasText: 'alpha baseline (copy)' }).waitFor({ timeout: 10_000 });
  const copy = (await call('runs.list', { search: 'alpha baseline (copy)' }))[0];
  assert.equal(copy.parentRunId, alpha.id);
  const diff = page.getByTestId('run-config-diff');
  await diff.waitFor({ timeout: 10_000 });
  assert.deepEqual(await diff.locator('tbody tr').allInnerTexts(), ['steps\t3\t4']);
  await screenshot(page, 'history-duplicate-config-diff');
  assert.equal((await waitForRun(call, copy.id)).status, 'completed');
  assert.deepEqual(errors, []);
});

test('Delete asks first, listing the run folder and artifacts; Escape keeps everything, confirming removes the folder and its student', { skip, timeout: 40_000 }, async () => {
  const folder = join(home, 'runs', String(wid.id));
  const artifacts = await call('runs.artifacts', { id: wid.id });
  assert.ok(existsSync(folder) && artifacts.some((a) => a.kind === 'student'), 'the WID run has a folder and a student');
  await page.goto(`${server.url}#/runs/${wid.id}`);
  await page.getByTestId('delete-run').click();
  const dialog = page.getByTestId('delete-dialog');
  await dialog.waitFor({ state: 'visible', timeout: 10_000 });
  const listed = await page.getByTestId('delete-files').innerText();
  assert.ok(listed.includes(folder), `the dialog names the run folder: ${listed}`);
  for (const a of artifacts) assert.ok(listed.includes(a.path), `the dialog lists ${a.kind} ${a.path}`);
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'delete-dialog-cancel', 'focus starts on Cancel');
  await screenshot(page, 'history-delete-confirmation');

  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  assert.equal((await call('runs.get', { id: wid.id })).id, wid.id);
  assert.ok(existsSync(folder), 'Escape must not delete anything');

  await page.getByTestId('delete-run').click();
  await page.getByTestId('delete-dialog-confirm').click();
  await page.getByTestId('runs-table').waitFor({ timeout: 10_000 });
  assert.ok(!(await rowNames()).includes('wid small'));
  assert.ok(!existsSync(folder), `${folder} must be gone`);
  await assert.rejects(call('runs.get', { id: wid.id }), /not_found/);
  assert.ok(!(await call('models.list', {})).some((m) => m.sourceRunId === wid.id), 'the student stored in the run folder is forgotten too');
  await screenshot(page, 'history-after-delete');
  assert.deepEqual(errors, []);
});

test('a running run that made no step for a long time shows "stalled" in the run list and on its page, with what to do', { skip, timeout: 40_000 }, async () => {
  // Made running by this (live) test process, its last step 20 minutes ago: the store reports it stalled on read.
  const store = openStore(home);
  try {
    store.runs.markRunning(alpha.id, process.pid);
    store.db.prepare('UPDATE runs SET last_step_at = ? WHERE id = ?').run(new Date(Date.now() - 20 * 60_000).toISOString(), alpha.id);
    await page.goto(`${server.url}#/runs`);
    const row = page.locator(`[data-testid=run-row][data-run-id="${alpha.id}"]`);
    await row.getByTestId('stalled').waitFor({ timeout: 15_000 });
    assert.equal(await row.getByTestId('status').innerText(), 'running');
    assert.equal(await page.getByTestId('runs-table').getByTestId('stalled').count(), 1, 'finished runs are never stalled');
    await screenshot(page, 'history-stalled-run-list');
    await page.goto(`${server.url}#/runs/${alpha.id}`);
    await page.getByTestId('stalled-note').waitFor({ timeout: 10_000 });
    assert.match(await page.getByTestId('stalled-note').innerText(), /No training step since .*Cancel it, then Resume/s);
    assert.equal(await page.getByTestId('run-title').getByTestId('stalled').isVisible(), true);
    await screenshot(page, 'history-stalled-run-page');
    // its owner finishes it (within a second, between two of the server's polls): the page is told, the badge goes
    store.runs.setProgress(alpha.id, { step: 3, totalSteps: 3, values: {}, etaSeconds: null });
    store.db.prepare("UPDATE runs SET status = 'completed', finished_at = ? WHERE id = ?").run(new Date().toISOString(), alpha.id);
    await page.getByTestId('run-title').getByTestId('status').filter({ hasText: 'completed' }).waitFor({ timeout: 15_000 });
    assert.equal(await page.getByTestId('stalled-note').count(), 0);
  } finally { store.close(); }
  assert.deepEqual(errors, []);
});
