// wid repro-merge: several runs' results files -> one results.json (duplicate seeds, partial runs, a missing task).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeReproResults, parseExclusion, type ReproResultsFile } from '../../src-main/app/repro/merge.js';
import { reproMarkdownTable } from '../../src-main/app/repro/markdown.js';

const F = 'test/fixtures/repro';
const read = (n: string) => ({ file: `${F}/${n}.json`, results: JSON.parse(readFileSync(`${F}/${n}.json`, 'utf8')) as ReproResultsFile });

test('merging keeps one row per key: the most complete one of a duplicated seed', () => {
  const m = mergeReproResults([read('run-b'), read('run-a'), read('run-c')]);
  assert.deepEqual(m.models.map((r) => r.key), ['teacher', 'distilbert50-s1', 'distilbert50-s2', 'distilbert50-s3', 'wid50-s1', 'wid50-s2', 'wid50-s3']);
  const wid1 = m.models.find((r) => r.key === 'wid50-s1')!;
  assert.equal(wid1.source, `${F}/run-a.json`, 'the completed row wins over the failed one with fewer tasks');
  assert.equal(wid1.tasks.CoLA.score, 0.12);
  assert.equal(m.models.find((r) => r.key === 'teacher')!.source, `${F}/run-a.json`, 'the teacher row with every task');
  assert.deepEqual(m.merged.duplicates.map((d) => d.key).sort(), ['teacher', 'wid50-s1']);
  assert.deepEqual(m.budget.seeds, [1, 2, 3]);
});

test('a task missing from one run and a partial run are listed, and the headline uses only seeds scored on every signal task', () => {
  const m = mergeReproResults([read('run-a'), read('run-b'), read('run-c')]);
  assert.deepEqual(m.tasks, ['CoLA', 'SST-2', 'RTE']);
  assert.ok(m.merged.missing.includes('wid50-s2: RTE'));
  assert.ok(m.merged.missing.includes('wid50-s3: SST-2'));
  assert.ok(m.merged.missing.includes('distilbert50-s3: CoLA'));
  // RTE: teacher 53.0 vs constant 52.7 -> no signal; CoLA and SST-2 carry it
  assert.deepEqual(m.scoring.signalTasks, ['CoLA', 'SST-2']);
  const wid = m.scoring.kinds.find((k) => k.kind === 'wid50')!;
  assert.equal(wid.tasks.CoLA.n, 3);
  assert.equal(wid.headline!.n, 2, 'seed 3 has no SST-2 score');
  assert.ok(Math.abs(wid.headline!.mean - ((0.12 + 0.79) / 2 + (0.10 + 0.78) / 2) / 2) < 1e-12);
  assert.deepEqual(wid.seeds, [1, 2, 3]);
  assert.equal(m.scoring.kinds.find((k) => k.kind === 'distilbert50')!.headline!.n, 2);
});

test('runs with another budget or fine-tuning recipe are refused, naming the file and the field', () => {
  const other = read('run-b');
  other.results = { ...other.results, budget: { ...other.results.budget, steps: 10000 } };
  assert.throws(() => mergeReproResults([read('run-a'), other]), /run-b\.json: budget\.steps is 10000, but .*run-a\.json has 2/);
  assert.throws(() => mergeReproResults([{ file: 'x.json', results: {} as ReproResultsFile }]), /x\.json: not a reproduction results\.json/);
});

test('wid repro-merge writes the merged results.json and prints the seed-spread statements (exit 2 on a bad input)', (t) => {
  const out = mkdtempSync(join(tmpdir(), 'wid-repro-merge-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const run = (args: string[]) => spawnSync(process.execPath, ['bin/wid.mjs', 'repro-merge', ...args], { encoding: 'utf8', timeout: 120_000 });
  let r = run(['--out', out, '--no-plots', '--markdown', join(out, 'table.md'), `${F}/run-a.json`, `${F}/run-b.json`, `${F}/run-c.json`]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(readFileSync(join(out, 'table.md'), 'utf8'), /^\| WID-50% \| 14,500,000 \| — \| 11\.0 ± 1\.0 \(n=3\) \|/m);
  assert.match(r.stdout, /merged 3 file\(s\), 7 models \(2 duplicate rows dropped/);
  // seeds 1 and 2 of each (seed 3 has no SST-2 / was not distilled): 43.9 ± 0.5 vs 44.8 ± 1.1
  assert.match(r.stdout, /headline: DistilBERT @ WID-50% shape 43\.9 ± 0\.5 \(n=2\) vs WID-50% 44\.8 ± 1\.1 \(n=2\): difference -0\.9 points, within the seed spread \(1\.6\)/);
  const merged = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { models: unknown[]; scoring: { signalTasks: string[] } };
  assert.equal(merged.models.length, 7);
  assert.deepEqual(merged.scoring.signalTasks, ['CoLA', 'SST-2']);
  writeFileSync(join(out, 'bad.json'), '{');
  r = run(['--out', out, '--no-plots', join(out, 'bad.json')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /bad\.json: cannot read a results\.json/);
  r = run(['--out', out, '--no-plots', `${F}/run-a.json`, `${F}/run-b.json`, '--exclude', `${F}/run-a.json:wid50-s1`]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /1 excluded/);
  r = run(['--out', out, '--no-plots', `${F}/run-a.json`, '--exclude', `${F}/run-a.json`]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--exclude: expected FILE:KEY/);
});

test('runs whose lr sweep chose different lrs are refused, naming the kind, its method and both lrs; equal lrs merge and are kept', () => {
  const a = read('run-a'), b = read('run-b');
  a.results = { ...a.results, distillLr: { wid50: 1e-4, distilbert50: 5e-4 }, distillLrSweep: { multipliers: [0.5, 1, 2] } };
  b.results = { ...b.results, distillLr: { wid50: 1e-4, distilbert50: 1e-3 }, distillLrSweep: { multipliers: [0.5, 1, 2] } };
  assert.throws(() => mergeReproResults([a, b]),
    /run-b\.json: distilbert50 \(distilbert\) was distilled at lr 0\.001, but .*run-a\.json at lr 0\.0005 \(the lr sweep chose differently\)/);
  b.results = { ...b.results, distillLr: { wid50: 1e-4, distilbert50: 5e-4 } };
  const m = mergeReproResults([a, b, read('run-c')]);
  assert.deepEqual(m.distillLr, { wid50: 1e-4, distilbert50: 5e-4 });
  assert.deepEqual(m.distillLrSweep, { multipliers: [0.5, 1, 2] }, 'the sweep record is kept');
  assert.deepEqual(m.merged.sources.map((s) => s.distillLrSweep === null), [false, false, true]);
});

test('--exclude leaves named rows of one input out, and their kind no longer counts towards the lr check', () => {
  const a = read('run-a'), b = read('run-b');
  a.results = { ...a.results, distillLr: { wid50: 2.5e-5, distilbert50: 5e-4 } };
  b.results = { ...b.results, distillLr: { wid50: 1e-4, distilbert50: 5e-4 } };
  assert.throws(() => mergeReproResults([a, b]), /wid50 \(wid\) was distilled at lr/);
  const aWid = a.results.models.filter((m) => m.key.startsWith('wid50')).map((m) => m.key);
  const m = mergeReproResults([a, b], undefined, [{ file: a.file, keys: aWid }]);
  assert.deepEqual(m.distillLr, { wid50: 1e-4, distilbert50: 5e-4 }, 'WID-50 %\'s lr from the input whose WID rows remain');
  assert.deepEqual(m.merged.excluded, aWid.map((key) => ({ file: a.file, key })));
  for (const key of aWid) {
    const row = m.models.find((r) => r.key === key);
    assert.ok(!row || row.source === b.file, `${key} comes from ${b.file} or nowhere`);
  }
  assert.equal(m.models.find((r) => r.key === 'teacher')!.source, a.file, 'the rows not excluded still merge as before');
  // an input left with its teacher alone gives no lr and no sweep record
  const c = { ...a, results: { ...a.results, distillLrSweep: { multipliers: [0.5, 1, 2] } } };
  const onlyTeacher = mergeReproResults([c], undefined, [{ file: a.file, keys: c.results.models.filter((r) => r.method !== 'teacher').map((r) => r.key) }]);
  assert.deepEqual(onlyTeacher.models.map((r) => r.key), ['teacher']);
  assert.deepEqual(onlyTeacher.distillLr, {});
  assert.equal(onlyTeacher.distillLrSweep, null);
  assert.throws(() => mergeReproResults([a, b], undefined, [{ file: 'other.json', keys: ['teacher'] }]), /--exclude: other\.json is not one of the inputs/);
  assert.throws(() => mergeReproResults([a, b], undefined, [{ file: a.file, keys: ['wid50-s9'] }]), /has no row "wid50-s9"/);
  assert.deepEqual(parseExclusion('dir/run:1/results.json:wid50-s1, tinybert50-s1'), { file: 'dir/run:1/results.json', keys: ['wid50-s1', 'tinybert50-s1'] });
  assert.throws(() => parseExclusion('results.json'), /--exclude: expected FILE:KEY/);
  assert.throws(() => parseExclusion('results.json:'), /--exclude: expected FILE:KEY/);
});

test('the Markdown table shows per kind mean ± std over seeds, the distillation seconds and the tasks without signal, as results.json has them', () => {
  const m = mergeReproResults([read('run-a'), read('run-b'), read('run-c')]);
  for (const [key, s] of [['wid50-s1', 100], ['wid50-s2', 110], ['wid50-s3', 120]] as const) Object.assign(m.models.find((r) => r.key === key)!, { distill: { wallSeconds: s } });
  const lines = reproMarkdownTable(m).trim().split('\n');
  assert.equal(lines[0], '| | parameters | distillation s | CoLA | SST-2 | RTE (no signal) | headline | % of teacher |');
  assert.equal(lines[2], '| best constant prediction | | | 0.0 | 50.9 | 52.7 | | |');
  assert.equal(lines[3], '| teacher\'s margin over it | | | +16.0 | +29.1 | +0.3 | | |');
  const wid = m.scoring.kinds.find((k) => k.kind === 'wid50')!;
  // CoLA 0.12 / 0.10 / 0.11 over three seeds: 11.0 ± 1.0; seconds 100 / 110 / 120: 110 ± 10
  assert.equal(lines.find((l) => l.startsWith('| WID-50% |')),
    `| WID-50% | 14,500,000 | 110 ± 10 | 11.0 ± 1.0 (n=3) | 78.5 ± 0.7 (n=2) | 52.0 | 44.8 ± 1.1 (n=2) | ${wid.percentOfTeacher!.toFixed(1)} % |`);
  assert.match(lines.find((l) => l.startsWith('| teacher |'))!, /\| 28,800,000 \| — \| 16\.0 \| 80\.0 \| 53\.0 \| 48\.0 \| 100\.0 % \|$/);
});

test('runs whose WID rows had their first mask at different steps are refused; an input without WID rows does not count', () => {
  const later = read('run-b');
  later.results = { ...later.results, widFirstMaskStep: 500, written: '2099-01-01T00:00:00.000Z' };
  assert.throws(() => mergeReproResults([read('run-a'), later]), /run-b\.json: WID's first mask came after step 500, but in .*run-a\.json after one scaled w_step; a merged series must share WID's schedule/);
  // run-a's WID rows left out: only later's WID rows remain, and its step is the merged one
  const widKeys = read('run-a').results.models.filter((m) => m.method === 'wid').map((m) => m.key);
  const m = mergeReproResults([read('run-a'), later], undefined, [{ file: `${F}/run-a.json`, keys: widKeys }]);
  assert.equal(m.widFirstMaskStep, 500);
});
