// wid repro's distillation lr sweep (app/repro/sweep.ts): the points it plans, the choice (lowest held-out loss of its own
// objective), bad input refused before anything starts, results.json, resume, and the full runs at the chosen lr.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkReproInputs, parseDistillLr, parseLrSweep, type ReproOptions } from '../../src-main/app/repro/options.js';
import { distillStages } from '../../src-main/app/repro/plan.js';
import { chooseLr, readSweep, sweepPoints, type ReproLrSweep } from '../../src-main/app/repro/sweep.js';
import type { Service } from '../../src-main/app/service/contract.js';

const TEACHER = 'test/fixtures/bert/tiny-teacher';
const CORPUS = 'test/fixtures/corpus/pride-and-prejudice.txt';
const GLUE = 'test/fixtures/glue';
const repro = (args: string[]) => spawnSync(process.execPath, ['bin/wid.mjs', 'repro', ...args], { encoding: 'utf8', timeout: 400_000 });

const options = (o: Partial<ReproOptions> = {}): ReproOptions => ({
  teacher: TEACHER, corpus: CORPUS, glue: GLUE, out: '/tmp/unused', home: '/tmp/unused/home', steps: 200, batchSize: 4, seqLen: 32,
  tasks: ['RTE'], seeds: [3, 4], variants: [], lrGrid: [1e-3], epochs: 1, finetuneBatch: 8, maxLength: 32, backend: 'wasm', parallel: 1,
  distillLrSweep: [0.5, 1, 2], ...o,
});

test('the sweep picks the lowest held-out loss among completed points; failed, unfinished and non-finite points are never chosen', () => {
  const p = (status: string | null, heldOutLoss: number | null) => ({ status, heldOutLoss });
  assert.equal(chooseLr([p('completed', 3.2), p('completed', 3.1), p('completed', 3.3)]), 1);
  assert.equal(chooseLr([p('completed', 3.2), p('failed', null), p('completed', Number.NaN), p('completed', Infinity)]), 0);
  assert.equal(chooseLr([p('paused', 1.0), p('completed', 3.0)]), 1, 'a stopped point does not count');
  assert.equal(chooseLr([p('completed', 2.0), p('completed', 2.0)]), 0, 'a tie keeps the first multiplier given');
  assert.equal(chooseLr([p('failed', null), p(null, null)]), null);
});

test('WID points are scored on the merged student (loss/heldout-mlm), the baselines on their objective (loss/heldout-distill), and the sweep chooses by that', async () => {
  const o = options({ seeds: [1], kinds: ['wid50', 'distilbert50'] });
  const points = sweepPoints(o);
  // WID: the compactor model's objective is lowest at the smallest lr (it prunes least), the merged student at the largest
  const heldOut = (lr: number, method: string) => method === 'wid'
    ? { firstLoss: 2.7, finalLoss: 1e-4 / lr, distillFirstLoss: 2.7, distillFinalLoss: lr * 1e4 }
    : { firstLoss: 9, finalLoss: 9, distillFirstLoss: 20, distillFinalLoss: lr * 1e3 };
  const runs = new Map(points.map((p, i) => [i + 1, { id: i + 1, status: 'completed', error: null, result: { steps: 20, finalLoss: 3, heldOut: heldOut(p.lr, p.method) } }]));
  const state = { runs: Object.fromEntries(points.map((p, i) => [p.key, i + 1])), groups: {} };
  const service = { call: async (name: string, a: { id: number }) => { assert.equal(name, 'runs.get'); return runs.get(a.id); } } as unknown as Service;
  const sweep = (await readSweep(service, o, state))!;
  assert.deepEqual(sweep.methods.wid50.grid.map((p) => [p.metric, p.heldOutLoss, p.heldOutFirstLoss]),
    [['loss/heldout-mlm', 4, 2.7], ['loss/heldout-mlm', 2, 2.7], ['loss/heldout-mlm', 1, 2.7]]);
  assert.equal(sweep.methods.wid50.chosenLr, 1e-4);
  assert.deepEqual(sweep.methods.distilbert50.grid.map((p) => p.metric), ['loss/heldout-distill', 'loss/heldout-distill', 'loss/heldout-distill']);
  assert.equal(sweep.methods.distilbert50.chosenLr, 2.5e-4);
  assert.match(sweep.objective, /WID the hard MLM loss of the merged student/);
});

test('one sweep per row kind, its first seed, a tenth of the steps, no student saved; every seed of a kind takes its lr', () => {
  const o = options({ variants: ['hard', 'tinybert-slice'], extraMethods: ['albert'], wid10Seeds: [7] });
  const points = sweepPoints(o);
  assert.deepEqual([...new Set(points.map((p) => p.kind))], ['wid50', 'distilbert50', 'tinybert50', 'albert50', 'wid10', 'wid50-hard', 'tinybert50-slice']);
  assert.equal(points.length, 7 * 3);
  const tb = points.filter((p) => p.kind === 'tinybert50');
  assert.deepEqual(tb.map((p) => p.key), ['sweep:tinybert50:x0.5', 'sweep:tinybert50:x1', 'sweep:tinybert50:x2']);
  assert.deepEqual(tb.map((p) => p.lr), [2.5e-5, 5e-5, 1e-4], 'multipliers of TinyBERT\'s published 5e-5');
  assert.deepEqual(points.filter((p) => p.kind === 'distilbert50').map((p) => p.lr), [2.5e-4, 5e-4, 1e-3]);
  for (const p of points) {
    assert.equal(p.config.seed, p.kind === 'wid10' ? 7 : 3, 'the kind\'s first seed');
    assert.equal(p.config.steps, 20);
    assert.equal(p.config.heldOutEvery, 20, 'scored once, at the end');
    assert.equal(p.config.saveStudent, false);
    assert.equal(p.config.preset, p.kind === 'wid10' ? 'wid11' : 'wid55', 'the full runs\' student shape');
  }
  assert.deepEqual(points.find((p) => p.kind === 'wid50-hard')!.config.methodOptions, { schedule: 'hard' });
  assert.deepEqual(points.find((p) => p.kind === 'tinybert50-slice')!.config.methodOptions, { init: 'teacher-slice' });
  const chosen = { wid50: 1e-4, distilbert50: 2.5e-4, tinybert50: 5e-5, albert50: 1e-4, wid10: 2.5e-5, 'wid50-hard': 5e-5, 'tinybert50-slice': 2.5e-5 };
  const lrOf = Object.fromEntries(distillStages(o, chosen).map((s) => [s.key, s.lr]));
  assert.deepEqual(lrOf, {
    'wid50-s3': 1e-4, 'distilbert50-s3': 2.5e-4, 'tinybert50-s3': 5e-5, 'albert50-s3': 1e-4,
    'wid50-s4': 1e-4, 'distilbert50-s4': 2.5e-4, 'tinybert50-s4': 5e-5, 'albert50-s4': 1e-4,
    'wid10-s7': 2.5e-5, 'wid50-hard-s3': 5e-5, 'tinybert50-slice-s3': 2.5e-5,
  });
  assert.equal(sweepPoints(options({ distillLrSweep: [] })).length, 0, 'off: no point');
  assert.equal(sweepPoints(options({ sweepSteps: 7 }))[0].config.steps, 7);
});

test('--distill-lr-sweep is parsed and checked, naming the option', () => {
  assert.deepEqual(parseLrSweep('0.5,1,2'), [0.5, 1, 2]);
  assert.deepEqual(parseLrSweep('off'), []);
  assert.throws(() => parseLrSweep('0,-1'), /--distill-lr-sweep: multipliers of each method's published lr must be > 0, got 0/);
  assert.throws(() => parseLrSweep('abc'), /--distill-lr-sweep: "abc" is not a number/);
  assert.throws(() => parseLrSweep('1,,2'), /--distill-lr-sweep: "" is not a number/);
  assert.throws(() => parseLrSweep('1,1'), /--distill-lr-sweep: 1 is given twice/);
  assert.throws(() => checkReproInputs(options({ distillLrSweep: [1, 2500] })), /--distill-lr-sweep: 2500 × distilbert's published lr 0\.0005 is 1\.25; a learning rate must be < 1/);
  assert.throws(() => checkReproInputs(options({ distillLrSweep: [], only: 'sweep' })), /--only sweep: the lr sweep is off/);
});

test('--distill-lr gives a kind its lr (not swept), naming the option on a bad entry or an unknown kind', () => {
  assert.deepEqual(parseDistillLr('wid50=1e-4,distilbert50=0.001'), { wid50: 1e-4, distilbert50: 1e-3 });
  assert.throws(() => parseDistillLr('wid50'), /--distill-lr: "wid50" is not KIND=LR/);
  assert.throws(() => parseDistillLr('wid50=2'), /--distill-lr: wid50=2: a learning rate must be in \(0, 1\)/);
  assert.throws(() => checkReproInputs(options({ distillLr: { 'wid50-kd': 1e-4 } })), /--distill-lr: "wid50-kd" is not a kind of this reproduction \(wid50, distilbert50, tinybert50, wid10\)/);
  checkReproInputs(options({ distillLr: { wid50: 1e-4 } }));
});

test('wid repro refuses a bad --distill-lr-sweep or --sweep-steps with exit 2 and a message naming the option', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wid-repro-sweep-bad-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const base = ['--teacher', TEACHER, '--corpus', CORPUS, '--glue', GLUE, '--out', join(dir, 'out'), '--tasks', 'RTE'];
  for (const [args, message] of [
    [['--distill-lr-sweep', '0,-1'], /--distill-lr-sweep: multipliers .* must be > 0, got 0/],
    [['--distill-lr-sweep', 'abc'], /--distill-lr-sweep: "abc" is not a number/],
    [['--sweep-steps', '0'], /--sweep-steps must be a positive integer, got "0"/],
    [['--only', 'sweep', '--distill-lr-sweep', 'off'], /--only sweep: the lr sweep is off/],
  ] as [string[], RegExp][]) {
    const r = repro([...base, ...args]);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, message);
  }
});

test('wid repro runs the sweep (an absurd lr is not chosen), records it in results.json, keeps its points on the next call and distils at the chosen lr', { timeout: 900_000 }, (t) => {
  const out = mkdtempSync(join(tmpdir(), 'wid-repro-sweep-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const base = ['--teacher', TEACHER, '--corpus', CORPUS, '--glue', GLUE, '--out', out, '--steps', '2', '--batch', '4', '--seq', '32', '--seeds', '1',
    '--tasks', 'RTE', '--lr-grid', '1e-3', '--epochs', '1', '--max-train-rows', '8', '--max-length', '32', '--backend', 'wasm', '--parallel', '2',
    '--distill-lr-sweep', '2,1000', '--sweep-steps', '2', '--sweep-batches', '2', '--eval-every', '0'];
  let r = repro([...base, '--only', 'sweep']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /lr sweep: 2 steps per point, each kind's first seed/);
  const first = JSON.parse(readFileSync(join(out, 'state.json'), 'utf8')) as { runs: Record<string, number>; sweepChosen: Record<string, number> };
  assert.deepEqual(Object.keys(first.runs).sort(), ['sweep:distilbert50:x1000', 'sweep:distilbert50:x2', 'sweep:tinybert50:x1000', 'sweep:tinybert50:x2',
    'sweep:wid10:x1000', 'sweep:wid10:x2', 'sweep:wid50:x1000', 'sweep:wid50:x2']);
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { distillLrSweep: ReproLrSweep; distillLr: Record<string, number> };
  const sweep = results.distillLrSweep;
  assert.deepEqual(sweep.multipliers, [2, 1000]);
  assert.equal(sweep.steps, 2);
  assert.deepEqual(Object.keys(sweep.methods), ['wid50', 'distilbert50', 'tinybert50', 'wid10']);
  for (const k of Object.values(sweep.methods)) {
    assert.deepEqual(k.grid.map((p) => p.multiplier), [2, 1000]);
    for (const p of k.grid) {
      assert.equal(p.status, 'completed', `${p.key}: ${p.error}`);
      assert.equal(p.steps, 2);
      assert.ok(Number.isFinite(p.heldOutLoss), `${p.key} held-out loss`);
    }
    const best = k.grid.reduce((a, b) => (b.heldOutLoss! < a.heldOutLoss! ? b : a));
    assert.equal(k.chosenLr, best.lr, `${k.kind}: the lowest held-out loss`);
    assert.equal(k.chosenMultiplier, 2, `${k.kind}: 1000 × the published lr is not chosen (${k.grid.map((p) => p.heldOutLoss).join(' vs ')})`);
    assert.equal(first.sweepChosen[k.kind], k.chosenLr);
  }
  assert.deepEqual(results.distillLr, { wid50: 1e-4, distilbert50: 1e-3, tinybert50: 1e-4, wid10: 1e-4 });

  r = repro([...base, '--only', 'distill']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout, /sweep:\S+ created/, 'finished sweep points are not run again');
  const state = JSON.parse(readFileSync(join(out, 'state.json'), 'utf8')) as { runs: Record<string, number> };
  for (const [k, id] of Object.entries(first.runs)) assert.equal(state.runs[k], id, `${k} kept its run`);
  const full = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { models: { key: string; distill: { methodConfig: { lr?: number } } | null }[] };
  const lrOf = Object.fromEntries(full.models.filter((m) => m.distill).map((m) => [m.key, m.distill!.methodConfig.lr]));
  assert.deepEqual(lrOf, { 'wid50-s1': 1e-4, 'distilbert50-s1': 1e-3, 'tinybert50-s1': 1e-4, 'wid10-s1': 1e-4 }, 'the full runs at the chosen lrs');

  // a later call cannot give a kind another lr than the one its runs were made with
  r = repro([...base, '--only', 'sweep', '--distill-lr', 'wid50=0.0005']);
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /--distill-lr wid50=0\.0005: .*state\.json already records lr 0\.0001 for wid50/);
});

test('wid repro --distill-lr takes the given lrs without sweeping those kinds and records where they came from', { timeout: 300_000 }, (t) => {
  const out = mkdtempSync(join(tmpdir(), 'wid-repro-given-lr-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const r = repro(['--teacher', TEACHER, '--corpus', CORPUS, '--glue', GLUE, '--out', out, '--steps', '2', '--batch', '4', '--seq', '32', '--seeds', '1',
    '--tasks', 'RTE', '--backend', 'wasm', '--only', 'sweep', '--distill-lr', 'wid50=1e-4,distilbert50=1e-3,tinybert50=2e-5,wid10=5e-5']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout, /created/, 'no sweep run');
  assert.match(r.stdout, /tinybert50 \(tinybert, published lr 0\.00005\): .* -> lr 0\.00002 \(given by --distill-lr\)/);
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { distillLrSweep: ReproLrSweep; distillLr: Record<string, number> };
  assert.deepEqual(results.distillLr, { wid50: 1e-4, distilbert50: 1e-3, tinybert50: 2e-5, wid10: 5e-5 });
  assert.deepEqual(results.distillLrSweep.multipliers, [0.5, 1, 2], 'the sweep is on by default');
  for (const k of Object.values(results.distillLrSweep.methods)) {
    assert.equal(k.chosenBy, '--distill-lr');
    assert.ok(k.grid.every((p) => p.status === null), 'its points are not run');
  }
});

test('a sweep stopped by the time limit resumes on the next call: finished points are kept, stopped ones continue', { timeout: 900_000 }, (t) => {
  const out = mkdtempSync(join(tmpdir(), 'wid-repro-sweep-stop-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const base = ['--teacher', TEACHER, '--corpus', CORPUS, '--glue', GLUE, '--out', out, '--steps', '2', '--batch', '4', '--seq', '32', '--seeds', '1',
    '--tasks', 'RTE', '--backend', 'wasm', '--parallel', '1', '--distill-lr-sweep', '1,2', '--sweep-steps', '60', '--sweep-batches', '2', '--only', 'sweep'];
  // 8 points of 60 steps take longer than 12 s even on an idle machine (2-step points all finished in time there)
  let r = repro([...base, '--time-limit', '12']);
  assert.equal(r.status, 3, r.stdout + r.stderr);
  assert.match(r.stdout, /time limit of 12 s reached: pausing the lr sweep/);
  const first = JSON.parse(readFileSync(join(out, 'state.json'), 'utf8')) as { runs: Record<string, number>; sweepChosen?: unknown };
  assert.equal(Object.keys(first.runs).length, 8, 'every point was created');
  assert.equal(first.sweepChosen, undefined, 'nothing chosen yet');
  const stopped = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { distillLrSweep: ReproLrSweep };
  const points = Object.values(stopped.distillLrSweep.methods).flatMap((k) => k.grid);
  const done = points.filter((p) => p.status === 'completed').map((p) => p.key);
  assert.ok(points.some((p) => p.status !== 'completed'), 'the time limit stopped some point');

  r = repro(base);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout, /created/, 'no point is created again');
  for (const key of done) assert.doesNotMatch(r.stdout, new RegExp(`${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} was`), `${key} finished: not resumed`);
  for (const p of points.filter((x) => x.status !== 'completed')) assert.match(r.stdout, new RegExp(`run ${p.runId} ${p.key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} was (paused|cancelled)`));
  const state = JSON.parse(readFileSync(join(out, 'state.json'), 'utf8')) as { runs: Record<string, number>; sweepChosen: Record<string, number> };
  assert.deepEqual(state.runs, first.runs, 'the same runs');
  assert.deepEqual(Object.keys(state.sweepChosen), ['wid50', 'distilbert50', 'tinybert50', 'wid10']);
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { distillLrSweep: ReproLrSweep };
  for (const k of Object.values(results.distillLrSweep.methods)) for (const p of k.grid) assert.equal(p.status, 'completed', p.key);
});
