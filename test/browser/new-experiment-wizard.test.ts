// The new-experiment wizard (issue 8 item 2) explains what is missing before launch and shows the student's
// parameter count for the chosen size. Runs on the built renderer from file://; no server is needed for this.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { RENDERER_INDEX, launchBrowser, newPage, screenshot } from './support/browser.js';

let browser: Browser;
before(async () => { browser = await launchBrowser(['--allow-file-access-from-files']); });
after(async () => { await browser?.close(); });

async function openWizard(): Promise<Page> {
  const { page } = await newPage(browser);
  await page.goto(`${pathToFileURL(RENDERER_INDEX).href}#/new`);
  await page.getByTestId('start-run').waitFor();
  return page;
}

test('choosing WID without teacher and corpus lists both as problems and keeps Start disabled', async () => {
  const page = await openWizard();
  await page.getByTestId('method-wid').check();
  const problems = await page.getByTestId('form-problems').innerText();
  assert.match(problems, /Choose a teacher model/);
  assert.match(problems, /Choose a training corpus/);
  assert.equal(await page.getByTestId('start-run').isDisabled(), true);
  await screenshot(page, 'wizard-wid-problems');
});

test('a size preset shows its parameter count, and a custom hidden size not divisible by heads is explained', async () => {
  const page = await openWizard();
  await page.getByTestId('method-distilbert').check();
  await page.getByTestId('size-preset').selectOption('BERT-base (teacher size)');
  assert.match(await page.getByTestId('param-count').innerText(), /109\.5M/);
  await page.getByLabel('Hidden', { exact: true }).fill('300');
  await page.getByLabel('Heads', { exact: true }).fill('7');
  assert.match(await page.getByTestId('form-problems').innerText(), /hidden \(300\) must be divisible by heads \(7\)/);
  assert.match(await page.getByTestId('param-count').innerText(), /—/);
});

test('a selftest with zero steps is rejected with a message naming the field', async () => {
  const page = await openWizard();
  await page.getByTestId('method-selftest').check();
  await page.getByTestId('steps').fill('0');
  assert.match(await page.getByTestId('form-problems').innerText(), /Steps must be a whole number ≥ 1 \(got 0\)/);
  assert.equal(await page.getByTestId('start-run').isDisabled(), true);
});
