// Issue 27: what a researcher comparing compression methods trips over in the UI (each test would have caught one
// of the ten reported problems), and the three views built for them: the Pareto view over every scored model,
// seeds as first-class, and WID's pruning as a picture. One server and one Chromium for the whole file: the data
// (a WID + DistilBERT group on the tiny teacher, its students fine-tuned, the teacher fine-tuned with three seeds,
// three seeded selftests) is made once and read by every test; the last test stops the server.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { RunRecord } from '../../src-main/shared/api/index.js';
import { screenshot } from './support/browser.js';
import { browserSession } from './support/session.js';
import { fillFinetuneForm, settledText } from './support/ui.js';
import { FIXTURES, waitForRun, type Call } from './support/api.js';
import { serverAvailable, SERVE_ENTRY, type RunningServer } from './support/webServer.js';
import { runSeconds } from '../../src-renderer/src/lib/groupSummary.js';
import { formatDuration } from '../../src-renderer/src/lib/format.js';

const MEAN_STD_N3 = /^\d+\.\d ± \d+\.\d \(n=3\)$/;

const SHOTS = new URL('../../test-results/screenshots', import.meta.url).pathname;
const skip = serverAvailable() ? false : `web server not built yet (${SERVE_ENTRY} missing)`;
let server: RunningServer;
let page: Page;
let errors: string[];
let call: Call;
let home: string;
const scratch = mkdtempSync(join(tmpdir(), 'wid-research-files-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const ids = { wid: 0, distilbert: 0, group: 0, teacherFt: [] as number[], selftests: [] as number[], studentFt: [] as number[] };

const FT = { datasetId: 2, tasks: ['SST-2' as const], lr: 1e-3, epochs: 1, batchSize: 8, maxLength: 16, maxTrainRows: 24, maxDevRows: 24, backend: 'wasm' as const, efficiency: true, efficiencyIters: 2 };

browserSession('wid-research-', skip, async (s) => {
  ({ server, page, errors, call, home } = s);
  await call('models.register', { path: FIXTURES.teacher, name: 'tiny teacher' });
  const again = await call('models.register', { path: FIXTURES.teacher, name: 'tiny teacher (again)' });
  assert.match(again.warnings?.[0] ?? '', /registered already as teacher #1/);
  await call('datasets.register', { path: FIXTURES.corpus, kind: 'corpus', name: 'pride' });
  await call('datasets.register', { path: FIXTURES.glue, kind: 'glue', name: 'glue' });
  // 16 WID steps: the authors' schedule masks after every step on so short a run, so the charts get many events;
  // a checkpoint every 8 steps keeps exact masks of step 8 and 16.
  const { group, runs } = await call('groups.create', { name: 'tiny compare', methods: ['wid', 'distilbert'],
    config: { teacherModelId: 1, datasetId: 1, preset: 'wid55', steps: 16, batchSize: 2, seqLen: 16, backend: 'wasm', seed: 3, checkpointEvery: 8, heldOutEvery: 8 } });
  ids.group = group.id;
  [ids.wid, ids.distilbert] = runs.map((r) => r.id);
  // the scored teacher (#2) fine-tuned three times, differing only by seed
  for (const seed of [1, 2, 3]) ids.teacherFt.push((await call('runs.create', { method: 'finetune', name: `teacher SST-2 · seed ${seed}`, config: { ...FT, modelId: 2, seed } })).id);
  for (const seed of [1, 2, 3]) ids.selftests.push((await call('runs.create', { method: 'selftest', name: `seeded selftest · seed ${seed}`, config: { steps: 12, batchSize: 2, seqLen: 16, backend: 'wasm', delayMs: 0, seed } })).id);
  for (const id of [...runs.map((r) => r.id), ...ids.teacherFt, ...ids.selftests]) assert.equal((await waitForRun(call, id, 180_000)).status, 'completed', `run ${id}`);
  const out = await call('groups.finetune', { id: group.id, config: FT, includeTeacher: false });
  ids.studentFt = out.runs.map((r) => r.id);
  for (const id of ids.studentFt) assert.equal((await waitForRun(call, id, 120_000)).status, 'completed', `fine-tune ${id}`);
  await call('runs.update', { id: ids.studentFt[0], tags: ['baseline', 'keep', 'paper-table-2'] });
});

const attr = async (testid: string, name: string) => page.getByTestId(testid).first().getAttribute(name);

test('Compare → Models × tasks takes the teacher that has scores as the reference, not the first registered one', { skip, timeout: 30_000 }, async () => {
  await page.goto(`${server.url}#/compare`);
  await page.getByTestId('model-comparison-table').waitFor({ timeout: 10_000 });
  assert.equal(await page.getByTestId('teacher-pick').inputValue(), '2');
  const teacherRow = page.locator('[data-testid=model-row].teacher');
  assert.equal(await teacherRow.locator('[data-col=percentOfTeacher]').getAttribute('data-value'), '100');
  const percents = await page.locator('[data-testid=model-row] [data-col=percentOfTeacher]').allInnerTexts();
  assert.ok(percents.filter((p) => p !== '—').length >= 3, `"% of teacher" filled: ${percents.join(', ')}`);
  await screenshot(page, 'research-compare-reference-default');
});

test('every score says which run and fine-tune settings made it; latency and throughput headings are explained', { skip, timeout: 20_000 }, async () => {
  await page.goto(`${server.url}#/compare`);
  await page.getByTestId('model-comparison-table').waitFor({ timeout: 10_000 });
  const settings = await page.locator('[data-testid=score-settings][data-model="tiny teacher (again)"]').innerText();
  assert.match(settings, /^tiny teacher \(again\) \(teacher\): run #\d+: lr 0\.001, 1 epoch, batch 8, 24 training rows, max length 16, seed \d/);
  assert.match((await page.locator('[data-testid=model-row].teacher [data-col="SST-2"]').getAttribute('title'))!, /— run #\d+: lr 0\.001/);
  const explained = await page.getByTestId('table-explained').innerText();
  assert.match(explained, /Latency b1: milliseconds to run one sequence of 128 tokens \(batch size 1\)/);
  assert.match(explained, /Throughput b32: sequences per second at batch size 32/);
  assert.match(explained, /MiB/);
  assert.ok(await page.getByTestId('model-sort-latencyMsBatch1').innerText().then((t) => t.startsWith('Latency b1 (ms)')));
});

test('Compare → Runs puts the runs ticked in the run list first and takes a teacher fine-tune as the reference', { skip, timeout: 20_000 }, async () => {
  const [student, teacher] = [ids.studentFt[0], ids.teacherFt[0]];
  await page.goto(`${server.url}#/compare/runs?ids=${student},${teacher}`);
  await page.reload(); // the picks are read from the address when the view mounts
  await page.getByTestId('comparison-table').waitFor({ timeout: 10_000 });
  const picks = await page.locator('fieldset.picks label').allInnerTexts();
  assert.match(picks[0], new RegExp(`^#${student} `));
  assert.match(picks[1], new RegExp(`^#${teacher} `));
  assert.equal(await page.getByTestId('reference-run-pick').inputValue(), String(teacher));
  const pct = await page.locator(`[data-testid=comparison-row][data-run-id="${student}"] [data-col=percentOfReference]`).innerText();
  assert.match(pct, /%$/);
  await screenshot(page, 'research-compare-runs-reference');
});

test('models are renamed and removed from the Models page; the same folder twice is warned, truncated weights are refused', { skip, timeout: 30_000 }, async () => {
  await page.goto(`${server.url}#/models`);
  await page.getByTestId('model-path').fill(FIXTURES.teacher);
  await page.getByTestId('model-name').fill('by mistake');
  await page.getByTestId('register-model').click();
  await page.getByTestId('model-warning').waitFor({ timeout: 10_000 });
  assert.match(await page.getByTestId('model-warning').innerText(), /registered already as teacher #1 “tiny teacher”/);
  await screenshot(page, 'research-model-duplicate-warning');
  const id = (await call('models.list', {})).find((m) => m.name === 'by mistake')!.id;
  assert.equal(await page.getByTestId('model-details').getAttribute('data-model-id'), String(id), 'a registered model opens its details');
  await page.getByTestId(`rename-model-${id}`).click();
  await page.getByTestId('rename-input').fill('mistake, renamed');
  await page.getByTestId('rename-dialog-confirm').click();
  await page.locator(`[data-testid=model-row][data-model-id="${id}"]`).filter({ hasText: 'mistake, renamed' }).waitFor({ timeout: 5000 });
  await page.getByTestId(`remove-model-${id}`).click();
  assert.match(await page.getByTestId('remove-dialog').innerText(), /files at .* are not touched/);
  await page.getByTestId('remove-dialog-confirm').click();
  await page.locator(`[data-testid=model-row][data-model-id="${id}"]`).waitFor({ state: 'detached', timeout: 5000 });
  assert.equal((await call('models.list', {})).some((m) => m.id === id), false);

  const cut = join(scratch, 'cut-teacher');
  cpSync(FIXTURES.teacher, cut, { recursive: true });
  truncateSync(join(cut, 'model.safetensors'), Math.floor(statSync(join(cut, 'model.safetensors')).size / 2));
  await page.getByTestId('model-path').fill(cut);
  await page.getByTestId('register-model').click();
  await page.getByTestId('error-banner').waitFor({ timeout: 10_000 });
  assert.match(await page.getByTestId('error-banner').innerText(), /model\.safetensors is truncated: (its header describes [\d,]+ bytes, the file has [\d,]+|tensor "[^"]+" needs file bytes \d+\.\.\d+ but the file ends at byte \d+)/);
  await screenshot(page, 'research-model-truncated-refused');
  assert.deepEqual(errors, []);
});

test('datasets are renamed and removed; empty and binary corpora are refused at registration, a path twice is warned', { skip, timeout: 40_000 }, async () => {
  const empty = join(scratch, 'empty.txt'), binary = join(scratch, 'weights.txt');
  writeFileSync(empty, '');
  copyFileSync(join(FIXTURES.teacher, 'model.safetensors'), binary);
  await page.goto(`${server.url}#/datasets`);
  for (const [path, want] of [[empty, /empty\.txt is empty: expected text/], [binary, /weights\.txt:\d+: NUL byte: this looks like a binary file/]] as const) {
    await page.getByTestId('dataset-path').fill(path);
    await page.getByTestId('register-dataset').click();
    await page.getByTestId('error-banner').filter({ hasText: want }).waitFor({ timeout: 15_000 });
  }
  await screenshot(page, 'research-dataset-binary-refused');
  await page.getByTestId('dataset-path').fill(FIXTURES.corpus);
  await page.getByTestId('dataset-name').fill('pride again');
  await page.getByTestId('register-dataset').click();
  await page.getByTestId('dataset-warning').first().waitFor({ timeout: 15_000 });
  assert.match(await page.getByTestId('dataset-warning').first().innerText(), /registered already as corpus #1 “pride”/);
  const id = (await call('datasets.list', {})).find((d) => d.name === 'pride again')!.id;
  await page.getByTestId(`rename-dataset-${id}`).click();
  await page.getByTestId('rename-input').fill('pride twice');
  await page.getByTestId('rename-dialog-confirm').click();
  await page.locator(`[data-testid=dataset-row][data-dataset-id="${id}"]`).filter({ hasText: 'pride twice' }).waitFor({ timeout: 5000 });
  await page.getByTestId(`remove-dataset-${id}`).click();
  await page.getByTestId('remove-dialog-confirm').click();
  await page.locator(`[data-testid=dataset-row][data-dataset-id="${id}"]`).waitFor({ state: 'detached', timeout: 5000 });
  assert.deepEqual(errors, []);
});

test('groups are renamed and removed from the Groups page (their runs stay); runs are renamed from their page', { skip, timeout: 30_000 }, async () => {
  const { group, runs } = await call('groups.create', { name: 'throwaway', methods: ['selftest'], config: { steps: 1, backend: 'wasm', seed: 1 } });
  await waitForRun(call, runs[0].id);
  await page.goto(`${server.url}#/groups`);
  await page.getByTestId(`rename-group-${group.id}`).click();
  await page.getByTestId('rename-input').fill('throwaway, renamed');
  await page.getByTestId('rename-dialog-confirm').click();
  await page.locator(`[data-testid=group-row][data-group-id="${group.id}"]`).filter({ hasText: 'throwaway, renamed' }).waitFor({ timeout: 5000 });
  await page.getByTestId(`remove-group-${group.id}`).click();
  assert.match(await page.getByTestId('remove-dialog').innerText(), /its 1 runs stay in the run list/);
  await page.getByTestId('remove-dialog-confirm').click();
  await page.locator(`[data-testid=group-row][data-group-id="${group.id}"]`).waitFor({ state: 'detached', timeout: 5000 });
  assert.equal((await call('runs.get', { id: runs[0].id })).groupId, null);

  await page.goto(`${server.url}#/runs/${runs[0].id}`);
  await page.getByTestId('rename-run').click();
  await page.getByTestId('rename-input').fill('a clearer name');
  await page.getByTestId('rename-dialog-confirm').click();
  await page.getByTestId('run-title').filter({ hasText: 'a clearer name' }).waitFor({ timeout: 5000 });
  assert.equal((await call('runs.get', { id: runs[0].id })).name, 'a clearer name');
});

test('deleting a group member first says which group shrinks, which fine-tunes lose their model and how many scores go', { skip, timeout: 20_000 }, async () => {
  await page.goto(`${server.url}#/runs/${ids.wid}`);
  await page.getByTestId('delete-run').click();
  await page.getByTestId('delete-dependents').waitFor({ timeout: 5000 });
  assert.match(await page.getByTestId('delete-dep-group').innerText(), /one of the 2 members of group #\d+ “tiny compare”: the group keeps 1 member/);
  assert.match(await page.getByTestId('delete-dep-student').innerText(), /Its student, model #\d+ “wid student \(run \d+\)”, is deleted with its \d+ stored scores/);
  assert.match(await page.getByTestId('delete-dep-children').innerText(), new RegExp(`#${ids.studentFt[0]} `));
  await screenshot(page, 'research-delete-dependents');
  await page.getByTestId('delete-dialog-cancel').click();
});

test('WID charts follow the data: no forced 0, loss and loss/mlm drawn once, pruning markers counted, lr ticks as 6e-5, the note right', { skip, timeout: 20_000 }, async () => {
  await page.goto(`${server.url}#/runs/${ids.wid}`);
  await page.getByTestId('loss-chart').waitFor({ timeout: 10_000 });
  const series = (await attr('loss-chart', 'data-series'))!.split('|');
  assert.ok(series.includes('loss = loss/mlm'), `one series for both names: ${series.join(', ')}`);
  assert.ok(Number(await attr('loss-chart', 'data-y-min')) > 1, `the loss axis starts near the losses (y min ${await attr('loss-chart', 'data-y-min')})`);
  assert.ok(Number(await attr('loss-chart', 'data-markers')) >= 8, 'one marker per pruning event');
  const ticks = (await attr('lr-chart', 'data-y-ticks'))!;
  assert.doesNotMatch(ticks, /E|0{5}/, `lr ticks: ${ticks}`);
  const note = await page.getByTestId('wid-loss-note').innerText();
  assert.match(note, /starts at the teacher's own masked-LM loss/);
  assert.doesNotMatch(note, /starts near 0/);
  await screenshot(page, 'research-wid-run-charts');
});

test('WID pruning as a picture: the exact masks of every mask event the run logged, beside the loss', { skip, timeout: 30_000 }, async () => {
  await page.goto(`${server.url}#/runs/${ids.wid}`);
  const map = page.getByTestId('pruning-heatmap');
  await map.waitFor({ timeout: 10_000 });
  assert.equal(await map.getAttribute('data-source'), 'student');
  assert.equal(await map.getAttribute('data-step'), '16');
  const final = await page.getByTestId('pruning-summary').innerText();
  const history = await call('runs.pruning', { id: ids.wid });
  assert.ok(history.events.length >= 8, `${history.events.length} width changes`);
  // the authors' schedule on 16 steps masks after every step: 16 logged events, the last one the student's
  assert.deepEqual(history.maskEvents.map((e) => e.step), Array.from({ length: 16 }, (_, i) => i + 1));
  assert.deepEqual(history.masks.map((m) => [m.step, m.source]), [[16, 'student']]);
  await screenshot(page, 'research-pruning-final');
  await page.getByTestId('pruning-panel').screenshot({ path: join(SHOTS, 'research-pruning-panel-final.png') });
  // every event is exact, as the run chose it: the heatmap's kept counts are the API's for that step
  for (const [index, step] of [[0, 1], [4, 5]] as const) {
    await page.getByTestId('pruning-step').fill(String(index));
    await page.waitForFunction((s) => { const m = document.querySelector('[data-testid=pruning-heatmap]'); return m?.getAttribute('data-step') === s && m.getAttribute('data-exact') === 'true'; }, String(step), { timeout: 10_000 });
    assert.equal(await map.getAttribute('data-source'), 'event');
    const m = (await call('runs.pruning', { id: ids.wid, step })).masks[0];
    assert.equal(await map.getAttribute('data-kept'), [m.residual.length, ...m.intermediate.map((u) => u.length)].join(' '), `step ${step}`);
  }
  assert.notEqual(await page.getByTestId('pruning-summary').innerText(), final, 'an early event keeps more of the teacher');
  assert.match(await page.locator('.step-pick').innerText(), /Step 5 · mask event 5/);
  assert.ok(Number(await attr('pruning-loss', 'data-markers')) >= 2);
  assert.equal(await attr('pruning-loss', 'data-highlight'), '5', 'the loss chart marks the step shown');
  // the student's held-out MLM loss and the method's own objective on the same held-out lines (the lr sweep's measure)
  assert.deepEqual((await attr('pruning-loss', 'data-series'))!.split('|').slice(1).sort(), ['loss/heldout-distill', 'loss/heldout-mlm'], 'training and held-out losses');
  await screenshot(page, 'research-pruning-event-5');
  await page.getByTestId('pruning-panel').screenshot({ path: join(SHOTS, 'research-pruning-panel-event-5.png') });
  assert.deepEqual(errors, []);
});

test('a one-epoch dev metric is one labelled point mid-axis, not a dot on a 7-9 axis', { skip, timeout: 15_000 }, async () => {
  await page.goto(`${server.url}#/runs/${ids.teacherFt[0]}`);
  const chart = page.getByTestId('finetune-dev-SST-2');
  await chart.waitFor({ timeout: 10_000 });
  // one point per dev metric series (accuracy, and the score that averages them)
  assert.equal(await chart.getAttribute('data-points'), String((await chart.getAttribute('data-series'))!.split('|').length));
  const [lo, hi] = [Number(await chart.getAttribute('data-y-min')), Number(await chart.getAttribute('data-y-max'))];
  const run = await call('runs.get', { id: ids.teacherFt[0] });
  const v = 100 * (run.result!.tasks as Record<string, { best: { score: number } }>)['SST-2'].best.score;
  assert.ok(lo < v && v < hi && hi - lo <= 0.3 * v + 1e-9, `axis ${lo}..${hi} around ${v}`);
  await screenshot(page, 'research-single-point-dev-metric');
});

test('the group page never draws two students on one spot in score vs parameters', { skip, timeout: 15_000 }, async () => {
  await page.goto(`${server.url}#/groups/${ids.group}`);
  const scatter = page.getByTestId('group-score-scatter');
  await scatter.waitFor({ timeout: 10_000 });
  const xs = (await scatter.getAttribute('data-x'))!.split(' '), ys = (await scatter.getAttribute('data-y'))!.split(' ');
  const spots = xs.map((x, i) => `${x}|${ys[i]}`);
  assert.equal(new Set(spots).size, spots.length, `no two students on one spot: ${spots.join(', ')}`);
  assert.match(await page.getByTestId('group-finetune-settings').first().innerText(), /lr 0\.001, 1 epochs, batch 8, 24 rows/);
  await screenshot(page, 'research-group-page');
});

test('the runs list at 1280 px: whole names, tags, a fine-tune\'s teacher and loss', { skip, timeout: 20_000 }, async () => {
  await page.goto(`${server.url}#/runs`);
  await page.getByTestId('runs-table').waitFor({ timeout: 10_000 });
  for (const id of ids.studentFt) {
    const cell = page.locator(`[data-testid=run-row][data-run-id="${id}"] td.name a`);
    const run = await call('runs.get', { id });
    assert.equal(await cell.getAttribute('title'), run.name);
    assert.equal(`tiny compare · ${await cell.innerText()}`, run.name, 'the group, in its own column, is not repeated');
    const fits = await cell.evaluate((a) => { const td = a.closest('td')!; return td.scrollWidth <= td.clientWidth + 1; });
    assert.ok(fits, `the whole name of run ${id} shows`);
  }
  const row = page.locator(`[data-testid=run-row][data-run-id="${ids.studentFt[0]}"]`);
  const tags = row.getByTestId('run-tags-cell');
  assert.equal(await tags.innerText().then((t) => t.replace(/\s+/g, ' ').trim()), 'baseline keep paper-table-2');
  const box = (await tags.boundingBox())!;
  assert.ok(box.x + box.width <= 1280, 'tags inside the window');
  const cells = await row.locator('td').allInnerTexts();
  assert.ok(cells.includes('tiny teacher'), `a student fine-tune names its teacher: ${cells.join(' | ')}`);
  assert.notEqual(await row.getByTestId('cell-loss').innerText(), '—');
  await screenshot(page, 'research-runs-list-1280');
});

test('Time moves while a run runs (runs list and its group), a paused run says Stopped, Resume names its step, and the resumed run\'s Time is every segment\'s', { skip, timeout: 90_000 }, async () => {
  // a group page lists its distillation members: a long DistilBERT run, cancelled once its wall time has moved
  const { group, runs: [member] } = await call('groups.create', { name: 'slow group', methods: ['distilbert'], config: { teacherModelId: 1, datasetId: 1, preset: 'wid55', steps: 5000, batchSize: 2, seqLen: 16, backend: 'wasm', seed: 4 } });
  await page.goto(`${server.url}#/groups/${group.id}`);
  const wall = page.locator(`[data-testid=group-member][data-run-id="${member.id}"] [data-testid=member-wall]`);
  await page.waitForFunction((id) => /^\d+s$/.test(document.querySelector(`[data-run-id="${id}"] [data-testid=member-wall]`)?.textContent ?? ''), member.id, { timeout: 20_000 });
  const groupBefore = await wall.innerText();
  await page.waitForTimeout(2200);
  assert.notEqual(await wall.innerText(), groupBefore, 'a group member\'s wall time counts up while it runs');
  await call('runs.cancel', { id: member.id });
  await waitForRun(call, member.id);

  const run = await call('runs.create', { method: 'selftest', name: 'slow selftest', config: { steps: 12, delayMs: 700, batchSize: 2, seqLen: 16, backend: 'wasm', seed: 4 } });
  await page.goto(`${server.url}#/runs`);
  const time = page.locator(`[data-testid=run-row][data-run-id="${run.id}"] [data-testid=cell-duration]`);
  await page.waitForFunction((id) => /^\d+s$/.test(document.querySelector(`[data-run-id="${id}"] [data-testid=cell-duration]`)?.textContent ?? ''), run.id, { timeout: 20_000 });
  const before = await time.innerText();
  await page.waitForTimeout(2200);
  assert.notEqual(await time.innerText(), before, 'Time counts up without a new event');

  await page.goto(`${server.url}#/runs/${run.id}`);
  await page.waitForFunction(() => /step ([2-9]|1[01]) \//.test(document.querySelector('[data-testid=run-step]')?.textContent ?? ''), null, { timeout: 20_000 });
  await page.getByTestId('pause-run').click();
  await page.getByTestId('resume-plan').waitFor({ timeout: 20_000 });
  const paused = await call('runs.get', { id: run.id });
  const step = paused.progress!.step;
  assert.match(await page.getByTestId('resume-plan').innerText(), new RegExp(`restarts from the checkpoint at step ${step}`));
  assert.equal(await page.getByTestId('resume-run').innerText(), `Resume from step ${step}`);
  assert.match(await page.locator('dl.facts').first().innerText(), /Stopped\n.*\(paused\)/);
  assert.match(await page.getByTestId('run-ended').innerText(), /\(paused\)$/);
  await screenshot(page, 'research-resume-plan');
  const first = runSeconds(paused)!;
  await page.getByTestId('resume-run').click();
  const done = await waitForRun(call, run.id, 60_000);
  assert.equal(done.status, 'completed');
  assert.ok(Math.abs(done.earlierSeconds! - first) < 1e-6, `the paused segment kept: ${done.earlierSeconds} vs ${first}`);
  const last = (Date.parse(done.finishedAt!) - Date.parse(done.startedAt!)) / 1000;
  await page.goto(`${server.url}#/runs`);
  await time.waitFor({ timeout: 10_000 });
  assert.equal(await time.innerText(), formatDuration(first + last), `both segments: ${first} s + ${last} s`);
  await screenshot(page, 'research-resumed-run-time');

  // a checkpoint cut short: Resume is withheld and the plan says why
  const cut = await call('runs.create', { method: 'selftest', name: 'cut checkpoint', config: { steps: 8, delayMs: 800, batchSize: 2, seqLen: 16, backend: 'wasm', seed: 5 } });
  await page.goto(`${server.url}#/runs/${cut.id}`);
  await page.waitForFunction(() => /step [1-6] \//.test(document.querySelector('[data-testid=run-step]')?.textContent ?? ''), null, { timeout: 20_000 });
  await page.getByTestId('pause-run').click();
  await page.getByTestId('resume-plan').waitFor({ timeout: 20_000 });
  const ckpt = join(home, 'runs', String(cut.id), 'selftest-checkpoint.json');
  truncateSync(ckpt, Math.floor(statSync(ckpt).size / 2));
  await page.reload();
  await page.getByTestId('resume-plan').waitFor({ timeout: 10_000 });
  assert.match(await page.getByTestId('resume-plan').innerText(), /Resume would fail: .*selftest-checkpoint\.json is truncated/);
  assert.equal(await page.getByTestId('resume-run').count(), 0, 'no Resume where it cannot help');
  await screenshot(page, 'research-resume-withheld');
});

test('fine-tune settings survive a reload; wasm with every row over many epochs warns before it takes hours', { skip, timeout: 30_000 }, async () => {
  await page.goto(`${server.url}#/models`);
  await page.getByTestId('score-button-1').click();
  const form = page.getByTestId('model-score-panel');
  await fillFinetuneForm(form, { tasks: ['SST-2', 'RTE', 'WNLI'], lr: '2e-5, 3e-5, 4e-5, 5e-5', epochs: '30', batch: '8', maxLength: '32', rows: '', backend: 'wasm' });
  await form.getByTestId('finetune-wasm-warning').waitFor({ timeout: 5000 });
  assert.match(await form.getByTestId('finetune-wasm-warning').innerText(), /On wasm \(CPU\) these settings make [\d,]+ training steps/);
  await screenshot(page, 'research-finetune-wasm-warning');
  await page.reload();
  await page.getByTestId('score-button-1').click();
  assert.equal(await form.getByTestId('finetune-lr').inputValue(), '2e-5, 3e-5, 4e-5, 5e-5');
  assert.equal(await form.getByTestId('finetune-epochs').inputValue(), '30');
  assert.equal(await form.getByTestId('finetune-batch').inputValue(), '8');
  assert.equal(await form.getByTestId('finetune-task-RTE').isChecked(), true);
  await form.getByTestId('finetune-backend').selectOption('wasm');
  await form.getByTestId('finetune-rows').fill('16');
  await form.getByTestId('finetune-wasm-warning').waitFor({ state: 'detached', timeout: 5000 });
});

test('the wizard marks the wrong field and says why there', { skip, timeout: 15_000 }, async () => {
  await page.goto(`${server.url}#/new`);
  await page.getByTestId('method-selftest').check();
  await page.getByTestId('steps').fill('0');
  await page.getByTestId('batch-size').fill('0');
  const err = page.getByTestId('field-error-steps');
  await err.waitFor({ timeout: 5000 });
  assert.match(await err.innerText(), /Steps must be a whole number ≥ 1 \(got 0\)/);
  assert.equal(await page.getByTestId('steps').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.getByTestId('batch-size').getAttribute('aria-invalid'), 'true');
  const [input, msg] = [(await page.getByTestId('steps').boundingBox())!, (await err.boundingBox())!];
  assert.ok(msg.y - (input.y + input.height) < 30, 'the message sits under its field');
  await screenshot(page, 'research-wizard-field-errors');
});

test('Pareto: every scored model against parameters, latency and throughput, by method, with the frontier; hover, PNG, SVG and CSV', { skip, timeout: 40_000 }, async () => {
  await page.goto(`${server.url}#/compare/pareto`);
  const svg = page.getByTestId('pareto-svg');
  await svg.waitFor({ timeout: 10_000 });
  assert.equal(await svg.getAttribute('data-points'), '3');
  assert.deepEqual((await page.getByTestId('pareto-point').evaluateAll((els) => els.map((e) => e.getAttribute('data-method')))).sort(), ['distilbert', 'teacher', 'wid']);
  assert.ok((await svg.getAttribute('data-frontier'))!.length > 0);
  await page.locator('[data-testid=pareto-point][data-method=wid]').hover();
  assert.match(await page.getByTestId('pareto-tooltip').innerText(), new RegExp(`made by run #${ids.wid}`));
  await screenshot(page, 'research-pareto-parameters');
  for (const axis of ['latency', 'throughput']) {
    await page.getByTestId(`pareto-axis-${axis}`).check();
    assert.equal(await svg.getAttribute('data-points'), '3', `all three have ${axis}`);
  }
  await screenshot(page, 'research-pareto-throughput');
  const saved = async (testid: string) => {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
    return readFileSync((await dl.path())!);
  };
  const csv = (await saved('pareto-export-csv')).toString('utf8').trim().split('\n');
  assert.match(csv[0], /^model id,model,method,run,parameters,latency ms \(b1\),throughput seq\/s \(b32\),GLUE avg \(x100\)/);
  assert.equal(csv.length, 4);
  assert.match((await saved('pareto-export-svg')).toString('utf8'), /<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.deepEqual([...(await saved('pareto-export-png')).subarray(1, 4)].map((b) => String.fromCharCode(b)).join(''), 'PNG');
  assert.deepEqual(errors, []);
});

test('Seeds: runs that differ only by seed group together with mean ± std and n, error bars, loss bands, and gaps within the spread marked', { skip, timeout: 30_000 }, async () => {
  await page.goto(`${server.url}#/compare/seeds`);
  await page.getByTestId('seed-table').waitFor({ timeout: 15_000 });
  const finetunes = page.locator('[data-testid=seed-group][data-method=finetune][data-n="3"]');
  assert.equal(await finetunes.count(), 1, 'the three seeded teacher fine-tunes are one experiment');
  assert.match(await settledText(finetunes.getByTestId('seed-average'), MEAN_STD_N3), MEAN_STD_N3);
  const selftests = page.locator('[data-testid=seed-group][data-method=selftest][data-n="3"]');
  assert.match(await selftests.locator('[data-col=finalLoss]').innerText(), /^\d+\.\d+ ± \d+\.\d+ \(n=3\)$/);
  await page.getByTestId('seed-errorbars').waitFor();
  assert.ok(await page.getByTestId('seed-errorbar').count() >= 1);
  assert.equal(await page.getByTestId('seed-band').first().getAttribute('data-steps'), '12');
  await page.getByTestId('seeds-only-repeated').uncheck();
  const kinds = await page.getByTestId('seed-vs-best').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
  assert.ok(kinds.includes('best') && kinds.some((k) => k === 'within' || k === 'beyond' || k === 'unknown'), kinds.join(','));
  await screenshot(page, 'research-seeds');
  assert.deepEqual(errors, []);
});

test('Seeds pooled in Compare → Models × tasks and Compare → Runs: mean ± std and n, error bars, a loss band, gaps against the spread', { skip, timeout: 30_000 }, async () => {
  await page.goto(`${server.url}#/compare`);
  const pooled = page.getByTestId('models-seed-pools');
  await pooled.waitFor({ timeout: 15_000 });
  // the scored teacher's three fine-tunes differ only by seed: one row, n = 3
  const teacher = pooled.locator('[data-testid=pool-row][data-label="tiny teacher (again) (teacher)"]');
  assert.equal(await teacher.getAttribute('data-n'), '3');
  assert.match(await settledText(teacher.getByTestId('pool-average'), MEAN_STD_N3), MEAN_STD_N3);
  assert.ok(await pooled.getByTestId('pool-errorbar').count() >= 1, 'error bars where n > 1');
  const kinds = await pooled.getByTestId('pool-vs-best').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
  assert.ok(kinds.includes('best') && kinds.length >= 3, kinds.join(','));
  await pooled.screenshot({ path: join(SHOTS, 'research-models-seed-pools.png') });

  await page.goto(`${server.url}#/compare/runs?ids=${[...ids.teacherFt, ...ids.selftests, ids.studentFt[0]].join(',')}`);
  await page.reload();
  const runsPooled = page.getByTestId('runs-seed-pools');
  await runsPooled.waitFor({ timeout: 15_000 });
  const ft = runsPooled.locator('[data-testid=pool-row][data-n="3"]').filter({ hasText: 'teacher SST-2' });
  assert.match(await settledText(ft.getByTestId('pool-average'), MEAN_STD_N3), MEAN_STD_N3);
  assert.equal(await runsPooled.locator('[data-testid=pool-row][data-n="3"]').filter({ hasText: 'seeded selftest' }).count(), 1);
  // the selftests' loss as one mean curve with a ±1 std band over their 12 steps
  assert.equal(await runsPooled.locator('figure[data-label="seeded selftest"]').getByTestId('runs-seed-band').getAttribute('data-steps'), '12');
  await runsPooled.screenshot({ path: join(SHOTS, 'research-runs-seed-pools.png') });
  assert.deepEqual(errors, []);
});

// Last: it stops the server.
test('when the server is gone a banner says so and Save says it did not save', { skip, timeout: 30_000 }, async () => {
  await page.goto(`${server.url}#/runs/${ids.selftests[0]}`);
  await page.getByTestId('run-notes').waitFor({ timeout: 10_000 });
  await server.stop();
  await page.getByTestId('connection-banner').waitFor({ timeout: 15_000 });
  assert.match(await page.getByTestId('connection-banner').innerText(), /The workbench server is not answering.*nothing can be saved/s);
  await page.getByTestId('run-notes').fill('written after the server stopped');
  await page.getByTestId('save-notes').click();
  await page.getByTestId('notes-status').filter({ hasText: /Not saved: Cannot reach the workbench server/ }).waitFor({ timeout: 10_000 });
  await screenshot(page, 'research-server-gone');
});
