// The wizard offers ALBERT and MobileBERT (issue 24 item 3): as runs of their own, and as members of a compare group
// ticked beside WID, DistilBERT and TinyBERT, each with the student the engine plans for the shared target.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser, newPage, screenshot } from './support/browser.js';
import { FIXTURES, apiFor } from './support/api.js';
import { serverAvailable, startServer, SERVE_ENTRY } from './support/webServer.js';

let browser: Browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const skip = serverAvailable() ? false : `web server not built yet (${SERVE_ENTRY} missing)`;

test('a compare group can hold ALBERT and MobileBERT: the wizard plans their students and creates the group with them', { skip, timeout: 60_000 }, async () => {
  const home = mkdtempSync(join(tmpdir(), 'wid-wizard-families-'));
  const server = await startServer(home);
  try {
    const call = apiFor(server.url);
    await call('models.register', { path: FIXTURES.teacher, name: 'tiny teacher' });
    await call('datasets.register', { path: FIXTURES.corpus, kind: 'corpus', name: 'pride' });
    const { page, errors } = await newPage(browser);
    await page.goto(`${server.url}#/new`);
    await page.getByTestId('method-albert').waitFor();
    await page.getByTestId('method-mobilebert').waitFor();
    await page.getByTestId('method-compare').check();
    assert.equal(await page.getByTestId('compare-albert').isChecked(), false, 'WID and both baselines by default');
    await page.getByTestId('compare-albert').check();
    await page.getByTestId('compare-mobilebert').check();
    await page.getByTestId('compare-distilbert').uncheck();
    await page.getByTestId('compare-tinybert').uncheck();
    await page.getByTestId('compare-wid').uncheck();
    await page.getByTestId('run-name').fill('families');
    await page.getByTestId('teacher-select').selectOption({ label: 'tiny teacher (345.9k parameters)' });
    await page.getByTestId('dataset-select').selectOption({ label: 'pride' });
    await page.getByTestId('size-preset').selectOption('wid55');
    for (const m of ['albert', 'mobilebert']) {
      await page.getByTestId(`plan-${m}`).waitFor({ timeout: 10_000 });
      assert.match(await page.getByTestId(`plan-${m}`).innerText(), /2 layers · hidden 36 · 4 heads/);
    }
    await page.getByTestId('steps').fill('2');
    await page.getByTestId('batch-size').fill('2');
    await page.getByTestId('seq-len').fill('16');
    await page.getByTestId('backend-select').selectOption('wasm');
    await screenshot(page, 'wizard-compare-albert-mobilebert');
    await page.getByTestId('start-run').click();
    await page.waitForURL(/#\/groups\/\d+/, { timeout: 10_000 });
    const runs = await call('runs.list', {});
    assert.deepEqual(runs.map((r) => r.method).sort(), ['albert', 'mobilebert']);
    assert.deepEqual(errors, []);
  } finally {
    await server.stop();
    rmSync(home, { recursive: true, force: true });
  }
});
