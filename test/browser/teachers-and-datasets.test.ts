// Issue 8 item 1 in web mode: register the tiny teacher and see its config, size and a smoke forward pass;
// register the corpus and the GLUE slices and see their row counts and a preview. Expected figures are read
// from the fixture files themselves, so the UI is checked against the data, not against itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { screenshot } from './support/browser.js';
import { FIXTURES } from './support/api.js';
import { serverAvailable, SERVE_ENTRY } from './support/webServer.js';
import { withFreshSession } from './support/session.js';

const skip = serverAvailable() ? false : `web server not built yet (${SERVE_ENTRY} missing)`;
const dataRows = (file: string) => readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').length - 1; // minus the header

test('a teacher folder registers with its config and size, and its smoke test runs a forward pass', { skip, timeout: 50_000 }, async () => {
  await withFreshSession('wid-models-', async ({ page, errors, server }) => {
    await page.goto(`${server.url}#/models`);

    // A folder without config.json is refused with the server's message naming it.
    await page.getByTestId('model-path').fill(FIXTURES.corpus);
    await page.getByTestId('register-model').click();
    const banner = page.getByTestId('error-banner');
    await banner.waitFor({ timeout: 10_000 });
    assert.match(await banner.innerText(), new RegExp(`path: .*${FIXTURES.corpus.replace(/[/.]/g, '\\$&')}`));
    await screenshot(page, 'models-register-refused');

    await page.getByTestId('model-path').fill(FIXTURES.teacher);
    await page.getByTestId('model-name').fill('tiny teacher');
    await page.getByTestId('register-model').click();
    await page.getByTestId('model-notice').waitFor({ timeout: 10_000 });
    assert.match(await page.getByTestId('model-notice').innerText(), /Registered teacher #1 “tiny teacher” \(345\.9k parameters\)/);
    const row = page.getByTestId('model-row');
    await row.waitFor({ timeout: 10_000 });
    const cells = await row.locator('td').allInnerTexts();
    const config = JSON.parse(readFileSync(join(FIXTURES.teacher, 'config.json'), 'utf8'));
    assert.equal(cells[3], `${config.num_hidden_layers}L · ${config.hidden_size}H · ${config.num_attention_heads} heads · ${config.intermediate_size} FFN`);
    assert.equal(await row.getByTestId('model-shape').getAttribute('title'), `vocabulary ${config.vocab_size}`);
    // the model's own files; the fixture's reference.safetensors (test data beside it) is not part of the model
    const bytes = ['config.json', 'model.safetensors', 'tokenizer_config.json', 'vocab.txt']
      .reduce((n, f) => n + statSync(join(FIXTURES.teacher, f)).size, 0);
    assert.equal(await page.getByTestId('model-size').innerText(), `${(bytes / 2 ** 20).toFixed(2)} MiB`);
    // the full config.json is shown for the model just registered
    assert.deepEqual(JSON.parse(await page.getByTestId('model-config').innerText()), config);

    await page.getByTestId('smoke-button-1').click();
    const smoke = page.getByTestId('smoke-1');
    await smoke.filter({ hasText: /ok:|failed:/ }).waitFor({ timeout: 30_000 });
    // one sentence, [batch 1 × tokens × hidden 64], on the backend the worker picked
    assert.match(await smoke.innerText(), /Smoke test: ok: output 1×\d+×64 in \d+\.\d\d s on (wasm|cpu|webgpu|tensorflow)/);
    await screenshot(page, 'models-teacher-registered-smoke-test');
    assert.deepEqual(errors, []);
  });
});

test('a corpus and a GLUE folder register with their row counts, and each GLUE task previews its own rows', { skip, timeout: 50_000 }, async () => {
  await withFreshSession('wid-datasets-', async ({ page, errors, server }) => {
    await page.goto(`${server.url}#/datasets`);

    await page.getByTestId('dataset-path').fill(FIXTURES.corpus);
    await page.getByTestId('register-dataset').click();
    await page.getByTestId('dataset-notice').waitFor({ timeout: 20_000 });
    const corpusFile = join(FIXTURES.corpus, 'pride-and-prejudice.txt');
    const lines = readFileSync(corpusFile, 'utf8').split('\n');
    const lineCount = lines.length - (lines[lines.length - 1] === '' ? 1 : 0);
    assert.match(await page.getByTestId('dataset-rows').first().innerText(), new RegExp(`^${lineCount} lines, 1 file`));
    // registering opens the preview: the corpus's first lines, in order
    const preview = page.getByTestId('preview-table');
    await preview.waitFor();
    assert.deepEqual((await preview.locator('tbody td').allInnerTexts()).slice(0, 3), lines.slice(0, 3).map((l) => l.trim()));
    await screenshot(page, 'datasets-corpus-preview');

    await page.getByTestId('dataset-path').fill(FIXTURES.glue);
    await page.getByTestId('dataset-kind').selectOption('glue');
    await page.getByTestId('register-dataset').click();
    await page.getByTestId('dataset-notice').filter({ hasText: 'glue' }).waitFor({ timeout: 20_000 });
    const rowsText = await page.getByTestId('dataset-row').filter({ hasText: 'glue' }).getByTestId('dataset-rows').innerText();
    for (const task of ['SST-2', 'RTE', 'WNLI']) {
      const train = dataRows(join(FIXTURES.glue, task, 'train.tsv')), dev = dataRows(join(FIXTURES.glue, task, 'dev.tsv'));
      assert.ok(rowsText.includes(`${task}: ${train} train / ${dev} dev`), `row counts "${rowsText}" lack ${task}: ${train} train / ${dev} dev`);
    }

    // RTE's preview has two sentence columns and its labels by name; its first row is the file's first data row.
    await page.getByTestId('preview-task').selectOption('RTE');
    await page.getByTestId('dataset-preview').filter({ hasText: '· RTE' }).waitFor();
    await preview.locator('th', { hasText: 'textB' }).waitFor();
    const [, sentence1, sentence2, label] = readFileSync(join(FIXTURES.glue, 'RTE', 'train.tsv'), 'utf8').split('\n')[1].split('\t');
    assert.deepEqual(await preview.locator('thead th').allInnerTexts(), ['textA', 'textB', 'label']);
    assert.deepEqual(await preview.locator('tbody tr').first().locator('td').allInnerTexts(), [sentence1, sentence2, label.trim()]);
    assert.equal(await preview.locator('tbody tr').count(), 10);
    await screenshot(page, 'datasets-glue-row-counts-rte-preview');

    // The same folder as a corpus holds no .txt file at its top: the error names the path.
    await page.getByTestId('dataset-path').fill(join(FIXTURES.glue, 'RTE'));
    await page.getByTestId('dataset-kind').selectOption('corpus');
    await page.getByTestId('register-dataset').click();
    await page.getByTestId('error-banner').waitFor({ timeout: 20_000 });
    assert.match(await page.getByTestId('error-banner').innerText(), /path: .*RTE/);
    assert.deepEqual(errors, []);
  });
});

test('typing the next path while a registration is still counting rows keeps what was typed', { skip, timeout: 40_000 }, async () => {
  await withFreshSession('wid-datasets-race-', async ({ page, errors, server, call }) => {
    await page.goto(`${server.url}#/datasets`);
    // Hold the first registration's answer until the user has typed the next path, as a large corpus would.
    let release!: () => void;
    const typed = new Promise<void>((r) => { release = r; });
    await page.route('**/api/call/datasets.register', async (route) => { await typed; await route.continue(); });
    await page.getByTestId('dataset-path').fill(FIXTURES.corpus);
    await page.getByTestId('register-dataset').click();
    await page.getByTestId('register-dataset').filter({ hasText: 'Counting rows…' }).waitFor();
    await page.getByTestId('dataset-path').fill(FIXTURES.glue);
    await page.getByTestId('dataset-name').fill('next one');
    release();
    await page.getByTestId('dataset-notice').waitFor({ timeout: 20_000 });
    assert.equal(await page.getByTestId('dataset-path').inputValue(), FIXTURES.glue);
    assert.equal(await page.getByTestId('dataset-name').inputValue(), 'next one');
    await screenshot(page, 'datasets-typing-during-registration');
    assert.deepEqual(errors, []);
  });
});
