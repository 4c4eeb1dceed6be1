// Issue 8 items 2 and 3 in web mode: Pause stops a live run at a step boundary and Resume continues it from its
// checkpoint to the end; Cancel ends a run; the wizard's compare group launches WID, DistilBERT and TinyBERT with
// one shared budget on the tiny teacher, and all three complete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { screenshot } from './support/browser.js';
import { browserSession } from './support/session.js';
import { fillDistillWizard } from './support/ui.js';
import { FIXTURES, waitForRun, type Call } from './support/api.js';
import { serverAvailable, SERVE_ENTRY, type RunningServer } from './support/webServer.js';

const skip = serverAvailable() ? false : `web server not built yet (${SERVE_ENTRY} missing)`;
let server: RunningServer;
let page: Page;
let errors: string[];
let call: Call;
browserSession('wid-controls-', skip, (s) => { ({ server, page, errors, call } = s); });

const status = () => page.locator('[data-testid=run-title] [data-testid=status]');
const stepShown = async () => Number((await page.getByTestId('run-step').innerText()).match(/step (\d+)/)?.[1] ?? 0);

test('Pause stops a live run at a step boundary and Resume continues from there to the last step', { skip, timeout: 50_000 }, async () => {
  const run = await call('runs.create', { method: 'selftest', name: 'pausable', config: { steps: 12, delayMs: 300, batchSize: 2, seqLen: 16, backend: 'wasm', seed: 1 } });
  await page.goto(`${server.url}#/runs/${run.id}`);
  await page.waitForFunction(() => /step ([2-9]|1[01]) \//.test(document.querySelector('[data-testid=run-step]')?.textContent ?? ''), null, { timeout: 30_000 });
  await page.getByTestId('pause-run').click();
  await status().filter({ hasText: 'paused' }).waitFor({ timeout: 20_000 });
  const pausedAt = await stepShown();
  assert.ok(pausedAt >= 2 && pausedAt < 12, `paused at step ${pausedAt}`);
  assert.equal(await page.getByTestId('pause-run').count(), 0, 'a paused run offers no Pause');
  assert.equal(await page.getByTestId('cancel-run').count(), 0, 'a paused run offers no Cancel');
  assert.equal((await call('runs.get', { id: run.id })).status, 'paused');
  await screenshot(page, 'run-controls-paused');

  await page.getByTestId('resume-run').click();
  await status().filter({ hasText: /completed|failed/ }).waitFor({ timeout: 30_000 });
  assert.equal(await status().innerText(), 'completed');
  assert.match(await page.getByTestId('run-step').innerText(), /step 12 \/ 12/);
  // Resumed from its checkpoint, not restarted: each step was trained (and plotted) once.
  const steps = (await call('runs.metrics', { id: run.id, names: ['loss'] })).map((p) => p.step);
  assert.deepEqual([...new Set(steps)].sort((a, b) => a - b), Array.from({ length: 12 }, (_, i) => i + 1));
  assert.equal(await page.getByTestId('loss-chart').getAttribute('data-points'), '12');
  await screenshot(page, 'run-controls-resumed-completed');
  assert.deepEqual(errors, []);
});

test('Cancel ends a live run; it can be resumed or deleted afterwards', { skip, timeout: 40_000 }, async () => {
  const run = await call('runs.create', { method: 'selftest', name: 'cancellable', config: { steps: 40, delayMs: 300, batchSize: 2, seqLen: 16, backend: 'wasm', seed: 2 } });
  await page.goto(`${server.url}#/runs/${run.id}`);
  await page.waitForFunction(() => /step [1-9]\d* \//.test(document.querySelector('[data-testid=run-step]')?.textContent ?? ''), null, { timeout: 30_000 });
  assert.equal(await page.getByTestId('delete-run').isDisabled(), true, 'a live run cannot be deleted');
  await page.getByTestId('cancel-run').click();
  await status().filter({ hasText: 'cancelled' }).waitFor({ timeout: 20_000 });
  assert.ok((await stepShown()) < 40);
  assert.equal(await page.getByTestId('resume-run').isVisible(), true);
  assert.equal(await page.getByTestId('delete-run').isDisabled(), false);
  await screenshot(page, 'run-controls-cancelled');
  assert.deepEqual(errors, []);
});

test('the wizard\'s compare group launches WID, DistilBERT and TinyBERT with one shared budget, and all three complete', { skip, timeout: 55_000 }, async () => {
  const teacher = await call('models.register', { path: FIXTURES.teacher, name: 'tiny teacher' });
  await call('datasets.register', { path: FIXTURES.corpus, kind: 'corpus', name: 'pride' });
  await page.goto(`${server.url}#/new`);
  await fillDistillWizard(page, { method: 'compare', name: 'tiny compare', steps: 2 });
  for (const m of ['wid', 'distilbert', 'tinybert']) await page.getByTestId(`plan-${m}`).waitFor({ timeout: 10_000 });
  assert.equal(await page.getByTestId('start-run').innerText(), 'Start 3 runs');
  await page.getByTestId('start-run').click();
  await page.getByTestId('group-members').waitFor({ timeout: 10_000 });

  const group = (await call('groups.list', {})).find((g) => g.name === 'tiny compare');
  assert.ok(group, 'a compare group named "tiny compare" exists');
  const members = (await call('runs.list', { method: ['wid', 'distilbert', 'tinybert'] })).filter((r) => r.groupId === group.id);
  assert.deepEqual(members.map((r) => r.method).sort(), ['distilbert', 'tinybert', 'wid']);
  for (const r of members) {
    assert.equal(r.teacherModelId, teacher.id);
    assert.deepEqual([r.config.steps, r.config.batchSize, r.config.seqLen, r.config.preset, r.config.backend], [2, 2, 16, 'wid55', 'wasm']);
  }
  const done = await Promise.all(members.map((r) => waitForRun(call, r.id, 45_000)));
  for (const r of done) assert.equal(r.status, 'completed', `${r.method} ended ${r.status}: ${r.error}`);
  // the group page the wizard lands on shows all three completed, each with its student's size (wid55 gives all three WID's shape)
  assert.equal(await page.getByTestId('group-title').innerText().then((t) => t.startsWith('tiny compare')), true);
  for (const r of done) {
    const row = page.locator(`[data-testid=group-member][data-run-id="${r.id}"]`);
    await row.getByTestId('status').filter({ hasText: 'completed' }).waitFor({ timeout: 10_000 });
    assert.equal(await row.getByTestId('member-params').innerText(), '179.2k');
  }
  await screenshot(page, 'run-controls-compare-group-completed');
  assert.deepEqual(errors, []);
});
