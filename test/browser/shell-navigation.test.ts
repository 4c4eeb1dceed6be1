// The built renderer loads from file:// (as Electron loads it), is keyboard navigable there, and tells the user
// how to connect when no token is present. Contrast and keyboard use with data: keyboard-and-contrast.test.ts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { RENDERER_INDEX, launchBrowser, newPage, screenshot } from './support/browser.js';

let browser: Browser;
const indexUrl = pathToFileURL(RENDERER_INDEX).href;
before(async () => {
  assert.ok(existsSync(RENDERER_INDEX), `renderer not built: run "node scripts/build.mjs --renderer-only" (expected ${RENDERER_INDEX})`);
  browser = await launchBrowser(['--allow-file-access-from-files']);
});
after(async () => { await browser?.close(); });

test('without a token the runs page explains how to open the server URL', async () => {
  const { page, errors } = await newPage(browser);
  await page.goto(indexUrl);
  const banner = page.getByTestId('error-banner');
  await banner.waitFor({ timeout: 10_000 });
  assert.match(await banner.innerText(), /\?token=/);
  assert.deepEqual(errors, []);
  await screenshot(page, 'no-token-message');
});

test('the left nav is reachable with Tab and Enter opens the focused page', async () => {
  const { page } = await newPage(browser);
  await page.goto(`${indexUrl}#/runs`);
  await page.getByTestId('nav-runs').waitFor();
  const focused: string[] = [];
  for (let i = 0; i < 7; i++) {
    await page.keyboard.press('Tab');
    focused.push(await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? ''));
  }
  assert.deepEqual(focused, ['skip-link', 'nav-runs', 'nav-groups', 'nav-new', 'nav-compare', 'nav-models', 'nav-datasets']);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Datasets' }).waitFor({ timeout: 5_000 });
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
  assert.notEqual(outline, 'none', 'the focused nav link must show a focus outline');
  await screenshot(page, 'keyboard-navigation');
});
