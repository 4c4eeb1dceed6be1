// Opens the web-mode UI on a WID home (scripts/glue/tiny-comparison.sh's), shows the Compare view's
// "Models × tasks" mode (every registered model, the first teacher-kind model as the reference), prints the table as
// the page shows it and the Markdown its "Export Markdown" button downloads, and saves a screenshot.
// Usage: node --import tsx scripts/glue/ui-compare.ts HOME OUT.png
// Needs the renderer build (node scripts/build.mjs --renderer-only) and Debian chromium.
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startServer } from '../../test/browser/support/webServer.js';
import { openStore } from '../../src-main/app/store/index.js';

const [home, out] = process.argv.slice(2);
if (!home || !out) throw new Error('usage: ui-compare.ts HOME OUT.png');
const store = openStore(home);
const modelCount = store.models.list().length;
store.close();
const server = await startServer(home);
const browser = await chromium.launch({ executablePath: process.env.WID_CHROMIUM ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(`${server.url}#/compare`);
  const table = page.getByTestId('model-comparison-table');
  await table.waitFor();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=model-row]').length === n, modelCount);
  await page.waitForTimeout(500); // let Chart.js lay out
  console.log((await table.innerText()).replace(/\t/g, ' | '));
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('models-export-md').click()]);
  console.log(`\nExport Markdown (${download.suggestedFilename()}):\n${readFileSync((await download.path())!, 'utf8')}`);
  await page.screenshot({ path: out, fullPage: true });
  console.log(`screenshot: ${out}`);
} finally {
  await browser.close();
  await server.stop();
}
