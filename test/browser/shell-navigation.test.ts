// The built renderer loads from file:// (as Electron loads it), is keyboard navigable, has readable contrast,
// and tells the user how to connect when no token is present.
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
  for (let i = 0; i < 5; i++) {
    await page.keyboard.press('Tab');
    focused.push(await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? ''));
  }
  assert.deepEqual(focused, ['nav-runs', 'nav-new', 'nav-compare', 'nav-models', 'nav-datasets']);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Datasets' }).waitFor({ timeout: 5_000 });
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
  assert.notEqual(outline, 'none', 'the focused nav link must show a focus outline');
  await screenshot(page, 'keyboard-navigation');
});

test('body text, nav links and primary buttons meet WCAG AA contrast (4.5:1)', async () => {
  const { page } = await newPage(browser);
  await page.goto(`${indexUrl}#/new`);
  await page.getByTestId('start-run').waitFor();
  const ratios = await page.evaluate(() => {
    const rgb = (s: string) => (s.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
    const lum = (c: number[]) => {
      const [r, g, b] = c.map((v) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const background = (el: Element | null): string => {
      for (; el; el = el.parentElement) {
        const bg = getComputedStyle(el).backgroundColor;
        if (bg && bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent') return bg;
      }
      return 'rgb(255, 255, 255)';
    };
    const ratio = (sel: string) => {
      const el = document.querySelector(sel)!;
      const a = lum(rgb(getComputedStyle(el).color)), b = lum(rgb(background(el)));
      return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    };
    return {
      heading: ratio('h1'), navLink: ratio('[data-testid=nav-runs]'), currentNav: ratio('[data-testid=nav-new]'),
      hint: ratio('.method .muted'), label: ratio('legend'),
      primary: ratio('[data-testid=start-run]'),
    };
  });
  for (const [name, r] of Object.entries(ratios)) assert.ok(r >= 4.5, `${name} contrast ${r.toFixed(2)} is below 4.5`);
});
