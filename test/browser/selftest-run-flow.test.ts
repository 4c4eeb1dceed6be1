// Issue 2 item 9 (browser part): in web mode, start a selftest run from the UI, watch its loss chart grow,
// see it finish, restart the server on the same home and find the run in history.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, newPage, screenshot } from './support/browser.js';
import { serverAvailable, startServer, SERVE_ENTRY } from './support/webServer.js';

const skip = serverAvailable() ? false : `web server not built yet (${SERVE_ENTRY} missing)`;

// One Chromium and one data folder for the file: the unknown-run check runs on the restarted server.
test('a selftest run started in the browser streams its loss chart, finishes, and survives a server restart; an unknown run shows the server\'s not-found message', { skip, timeout: 90_000 }, async () => {
  const home = mkdtempSync(join(tmpdir(), 'wid-browser-'));
  const browser = await launchBrowser();
  let server = await startServer(home);
  try {
    const { page, errors } = await newPage(browser);
    await page.goto(server.url);
    await page.getByTestId('nav-new').click();
    await page.getByTestId('method-selftest').check();
    await page.getByTestId('run-name').fill('browser selftest');
    await page.getByTestId('steps').fill('12');
    await page.getByTestId('delay-ms').fill('250');
    await page.getByTestId('start-run').click();

    // The chart appears and its point count grows while the run is live.
    const chart = page.getByTestId('loss-chart');
    await chart.waitFor({ timeout: 30_000 });
    const firstCount = Number(await chart.getAttribute('data-points'));
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid=loss-chart]')?.getAttribute('data-points')) > n,
      firstCount, { timeout: 30_000 });
    await screenshot(page, 'selftest-run-live');

    await page.locator('[data-testid=run-title] [data-testid=status]').filter({ hasText: 'completed' }).waitFor({ timeout: 40_000 });
    assert.match(await page.getByTestId('run-step').innerText(), /step 12 \/ 12/);
    // the precision its result records, beside the step path (docs/precision.md)
    await page.getByTestId('run-precision').waitFor({ timeout: 15_000 });
    assert.equal((await page.getByTestId('run-precision').innerText()).trim(), 'fp32');
    await screenshot(page, 'selftest-run-completed');

    await server.stop();
    server = await startServer(home);
    await page.goto(server.url);
    const row = page.getByTestId('run-row').filter({ hasText: 'browser selftest' });
    await row.waitFor({ timeout: 15_000 });
    assert.match(await row.innerText(), /completed/);
    await screenshot(page, 'selftest-run-history-after-restart');
    assert.deepEqual(errors, []);

    await page.goto(`${server.url}#/runs/987654`);
    const banner = page.getByTestId('error-banner');
    await banner.waitFor({ timeout: 15_000 });
    assert.match(await banner.innerText(), /987654/);
    await screenshot(page, 'unknown-run-error');
  } finally {
    await server.stop();
    await browser.close();
    rmSync(home, { recursive: true, force: true });
  }
});
