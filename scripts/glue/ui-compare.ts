// Opens the web-mode UI on a WID home (scripts/glue/tiny-comparison.sh's), picks each model's latest finetune run in
// the Compare view with the teacher's run as reference, prints the table as the page shows it and saves
// a screenshot. Usage: node --import tsx scripts/glue/ui-compare.ts HOME OUT.png
// Needs the renderer build (node scripts/build.mjs --renderer-only) and Debian chromium.
import { chromium } from 'playwright-core';
import { startServer } from '../../test/browser/support/webServer.js';
import { openStore } from '../../src-main/app/store/index.js';

const [home, out] = process.argv.slice(2);
if (!home || !out) throw new Error('usage: ui-compare.ts HOME OUT.png');
const store = openStore(home);
// The latest completed finetune run of each model (a re-run supersedes earlier ones).
const latest = new Map<unknown, ReturnType<typeof store.runs.list>[number]>();
for (const r of store.runs.list({ method: ['finetune'], status: ['completed'], sort: 'createdAt', order: 'asc' })) latest.set(r.config.modelPath, r);
const runs = [...latest.values()].sort((a, b) => a.id - b.id);
const teacherPath = store.models.list().find((m) => m.kind === 'teacher')?.path;
store.close();
const teacherRun = runs.find((r) => r.config.modelPath === teacherPath);
const server = await startServer(home);
const browser = await chromium.launch({ executablePath: process.env.WID_CHROMIUM ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  await page.goto(`${server.url}#/compare`);
  for (const r of runs) await page.getByTestId(`compare-pick-${r.id}`).check();
  if (teacherRun) await page.locator('select').first().selectOption(String(teacherRun.id));
  const table = page.getByTestId('comparison-table');
  await table.waitFor();
  await page.waitForFunction(() => !document.querySelector('[data-testid=comparison-table]')?.textContent?.includes('No evaluations'));
  await page.waitForTimeout(1500); // charts animate in
  console.log((await table.innerText()).replace(/\t/g, ' | '));
  await page.screenshot({ path: out, fullPage: true });
  console.log(`screenshot: ${out}`);
} finally {
  await browser.close();
  await server.stop();
}
