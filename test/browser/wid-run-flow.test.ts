// Issue 8 items 2, 3, 5 and 6 end to end in web mode on the tiny teacher: the wizard launches a WID run (6 steps,
// batch 2 × 16 tokens, wasm); the run page shows it live (progress, ETA, loss, student size shrinking, backend),
// then completed; teacher and student attention heatmaps load; the student exports to a folder that then
// registers and runs a forward pass as a model of its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { screenshot } from './support/browser.js';
import { FIXTURES } from './support/api.js';
import { serverAvailable, SERVE_ENTRY } from './support/webServer.js';
import { withFreshSession } from './support/session.js';
import { fillDistillWizard } from './support/ui.js';

const skip = serverAvailable() ? false : `web server not built yet (${SERVE_ENTRY} missing)`;

test('a WID run launched from the wizard is monitored live, completes, shows attention maps and exports a loadable student', { skip, timeout: 58_000 }, async () => {
  await withFreshSession('wid-flow-', async ({ page, errors, server, home, call }) => {
    await call('models.register', { path: FIXTURES.teacher, name: 'tiny teacher' });
    await call('datasets.register', { path: FIXTURES.corpus, kind: 'corpus', name: 'pride' });
    await page.goto(`${server.url}#/new`);

    await fillDistillWizard(page, { method: 'wid', name: 'tiny wid', steps: 6 });
    await page.getByTestId('seed').fill('7');
    await page.getByTestId('plan-wid').waitFor({ timeout: 10_000 });
    await page.getByTestId('start-run').click();

    // The run page: record every step text shown while the run is running, so live updates are proven even
    // though the whole run takes a few seconds.
    await page.getByTestId('run-title').waitFor({ timeout: 10_000 });
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { __seen: string[] }).__seen = seen;
      const note = () => {
        const status = document.querySelector('[data-testid=run-title] [data-testid=status]')?.textContent;
        const step = document.querySelector('[data-testid=run-step]')?.textContent ?? '';
        const eta = document.querySelector('[data-testid=run-eta]')?.textContent ?? '';
        const backend = document.querySelector('[data-testid=run-backend]')?.textContent ?? '';
        const chart = document.querySelector('[data-testid=loss-chart]');
        const points = chart?.getAttribute('data-points') ?? '-';
        const series = (chart?.getAttribute('data-series') ?? '').split('|').filter(Boolean).length;
        if (status === 'running') seen.push(`${step} | ${eta} | ${backend} | ${series} | ${points}`);
      };
      note();
      new MutationObserver(note).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.getByTestId('loss-chart').waitFor({ timeout: 30_000 });
    await screenshot(page, 'wid-run-live');
    await page.locator('[data-testid=run-title] [data-testid=status]').filter({ hasText: /completed|failed/ }).waitFor({ timeout: 40_000 });
    const run = (await call('runs.list', {}))[0];
    assert.equal(run.status, 'completed', `run ended ${run.status}: ${run.error}`);

    const seen = await page.evaluate(() => (window as unknown as { __seen: string[] }).__seen);
    const liveSteps = new Set(seen.map((s) => s.match(/step (\d) \/ 6/)?.[1]).filter((s) => s && s !== '6'));
    assert.ok(liveSteps.size >= 2, `expected at least two intermediate steps shown live, saw: ${JSON.stringify(seen)}`);
    assert.ok(seen.some((s) => /ETA \d+(\.\d+)?s|ETA \d+m/.test(s)), `no ETA shown while running: ${JSON.stringify(seen)}`);
    assert.ok(seen.some((s) => /step [1-5] \/ 6 .*\| wasm/.test(s)), `the backend must show while the run is live: ${JSON.stringify(seen)}`);
    // every live step is on the loss chart as it arrives: one point per step in each series drawn (loss and
    // loss/mlm are one series while they are equal, issue 27)
    for (const s of seen) {
      const [, step, series, points] = s.match(/step (\d) \/ 6 .*\| (\d+) \| (\d+)$/) ?? [];
      if (step && step !== '0') assert.equal(Number(points), Number(series) * Number(step), `loss chart behind the progress: ${s}`);
    }

    // Completed: full progress, the backend the worker used, every chart with one point per step.
    assert.match(await page.getByTestId('run-step').innerText(), /step 6 \/ 6/);
    assert.equal(await page.getByTestId('run-progress').getAttribute('aria-valuenow'), '6');
    assert.match(await page.getByTestId('run-backend').innerText(), /^wasm/);
    for (const [chart, min] of [['loss-chart', 6], ['lr-chart', 6], ['tokens-chart', 6], ['student-size-chart', 6]] as const) {
      const n = Number(await page.getByTestId(chart).getAttribute('data-points'));
      assert.ok(n >= min, `${chart} has ${n} points, expected at least ${min}`);
    }
    assert.ok(Number(await page.getByTestId('value-tokensPerSec').innerText()) > 0, 'tokens/s must be a positive figure');

    // Student size: the teacher's widths, what pruning reached (the target), and the path it took to get there.
    assert.equal(await page.getByTestId('size-teacher-hidden').innerText(), '64');
    assert.equal(await page.getByTestId('size-now-hidden').innerText(), '36');
    assert.equal(await page.getByTestId('size-target-hidden').innerText(), '36');
    assert.equal(await page.getByTestId('size-now-intermediate').innerText(), '72');
    const path = (await page.getByTestId('size-path-hidden').innerText()).split(' → ').map(Number);
    assert.ok(path.length >= 3 && path[0] === 64 && path.at(-1) === 36, `pruning path of hidden: ${path.join(' → ')}`);
    for (let i = 1; i < path.length; i++) assert.ok(path[i] < path[i - 1], `hidden must shrink step by step: ${path.join(' → ')}`);
    assert.equal(run.result?.parameterCount, 179_236);
    assert.equal(await page.getByTestId('size-now-params').innerText(), '179.2k');
    await screenshot(page, 'wid-run-completed-student-size');

    // Attention: teacher vs student for one layer/head; each row of a map is a distribution over the tokens.
    await page.getByTestId('attention-layer').fill('1');
    await page.getByTestId('attention-head').fill('3');
    await page.getByTestId('load-attention').click();
    const student = page.getByTestId('attention-student');
    await student.waitFor({ timeout: 20_000 });
    const tokens = Number(await student.getAttribute('data-tokens'));
    assert.ok(tokens >= 5, `attention over ${tokens} tokens`);
    for (const map of ['attention-teacher', 'attention-student']) {
      const cells = page.getByTestId(map).locator('.hm-cell');
      assert.equal(await cells.count(), tokens * tokens, `${map} must be ${tokens}×${tokens}`);
      const firstRow = (await cells.evaluateAll((els, n) => els.slice(0, n).map((e) => Number(e.getAttribute('title')!.split(': ').pop())), tokens));
      const sum = firstRow.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - 1) < 0.01 * tokens, `${map} first row sums to ${sum}`);
    }
    assert.match(await student.locator('figcaption').innerText(), /Student · layer 1, head 3/);
    // both maps share one colour scale, whose top is the largest weight in either map
    const titles = await page.locator('[data-testid^=attention-] .hm-cell').evaluateAll((els) => els.map((e) => Number(e.getAttribute('title')!.split(': ').pop())));
    for (const map of ['attention-teacher', 'attention-student']) {
      const top = Number(await page.getByTestId(`${map}-colorbar`).getAttribute('data-max'));
      assert.ok(Math.abs(top - Math.max(...titles)) < 1e-3, `${map} colour bar tops at the largest weight (${top})`);
    }
    await screenshot(page, 'wid-run-attention-teacher-vs-student');
    await page.getByTestId('attention-layer').fill('2');
    await page.getByTestId('load-attention').click();
    assert.match(await page.getByTestId('attention-error').innerText(), /Layer must be from 0 to 1 \(the student has 2 layers\), got 2/);

    // Export: a missing parent folder is refused naming it; a new folder receives an HF checkpoint.
    const missing = join(home, 'no-such-parent', 'student');
    await page.getByTestId('export-dir').fill(missing);
    await page.getByTestId('export-student').click();
    await page.getByTestId('export-error').waitFor({ timeout: 10_000 });
    assert.match(await page.getByTestId('export-error').innerText(), new RegExp(`parent folder ${join(home, 'no-such-parent').replace(/[/.]/g, '\\$&')} does not exist`));
    const target = join(home, 'exported-student');
    await page.getByTestId('export-dir').fill(target);
    await page.getByTestId('export-student').click();
    await page.getByTestId('export-done').waitFor({ timeout: 10_000 });
    for (const f of ['config.json', 'model.safetensors', 'vocab.txt']) assert.ok(existsSync(join(target, f)), `exported folder lacks ${f}`);
    assert.equal(JSON.parse(readFileSync(join(target, 'config.json'), 'utf8')).hidden_size, 36);

    // The exported folder loads: it registers as a model and its smoke test runs a forward pass of width 36.
    await page.getByTestId('register-exported').click();
    await page.getByTestId('export-registered').waitFor({ timeout: 10_000 });
    assert.match(await page.getByTestId('export-registered').innerText(), /Registered as model #\d+ “tiny wid \(exported\)” \(179\.2k parameters\)/);
    await screenshot(page, 'wid-run-exported-and-registered');
    const exported = (await call('models.list', {})).find((m) => m.path === target);
    assert.ok(exported, 'the exported folder is a registered model');
    await page.getByTestId('nav-models').click();
    await page.getByTestId(`smoke-button-${exported.id}`).click();
    const smoke = page.getByTestId(`smoke-${exported.id}`);
    await smoke.filter({ hasText: /ok:|failed:/ }).waitFor({ timeout: 30_000 });
    assert.match(await smoke.innerText(), /ok: output 1×\d+×36 /);
    await screenshot(page, 'models-exported-student-smoke-test');
    assert.deepEqual(errors, []);
  });
});
