import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TEACHER = 'test/fixtures/bert/tiny-teacher';
const CORPUS = 'test/fixtures/corpus/pride-and-prejudice.txt';
const GLUE = 'test/fixtures/glue';
const tiny = ['--steps', '2', '--batch', '2', '--seq', '16', '--seeds', '1', '--tasks', 'RTE', '--lr-grid', '1e-3', '--epochs', '1',
  '--max-train-rows', '8', '--max-length', '16', '--backend', 'wasm', '--parallel', '2', '--distill-lr-sweep', 'off'];
const repro = (args: string[]) => spawnSync(process.execPath, ['bin/wid.mjs', 'repro', ...args], { encoding: 'utf8', timeout: 300_000 });

test('wid repro refuses a missing task file or a teacher without vocab.txt before anything starts (exit 2)', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wid-repro-bad-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  let r = repro(['--teacher', TEACHER, '--corpus', CORPUS, '--glue', GLUE, '--out', join(dir, 'a'), '--tasks', 'MRPC']);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /MRPC[\\/]dev\.tsv is missing/);
  const noVocab = join(dir, 'teacher');
  cpSync(TEACHER, noVocab, { recursive: true });
  rmSync(join(noVocab, 'vocab.txt'));
  r = repro(['--teacher', noVocab, '--corpus', CORPUS, '--glue', GLUE, '--out', join(dir, 'b')]);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /vocab\.txt is missing/);
});

test('wid repro distills, then on a second run keeps the finished distillations and fine-tunes every model', { timeout: 600_000 }, (t) => {
  const out = mkdtempSync(join(tmpdir(), 'wid-repro-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const base = ['--teacher', TEACHER, '--corpus', CORPUS, '--glue', GLUE, '--out', out, ...tiny];
  let r = repro([...base, '--only', 'distill']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const first = JSON.parse(readFileSync(join(out, 'state.json'), 'utf8')) as { runs: Record<string, number> };
  assert.deepEqual(Object.keys(first.runs).sort(), ['distilbert50-s1', 'tinybert50-s1', 'wid10-s1', 'wid50-s1']);
  r = repro(base);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout, /group \d+ "repro/, 'the distillation group is not created again');
  const state = JSON.parse(readFileSync(join(out, 'state.json'), 'utf8')) as { runs: Record<string, number> };
  for (const [k, id] of Object.entries(first.runs)) assert.equal(state.runs[k], id, `${k} kept its run`);
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { models: { key: string; status: { distill: string | null; finetune: string | null }; tasks: Record<string, { score: number }>; parameters: number | null }[] };
  assert.deepEqual(results.models.map((m) => m.key), ['teacher', 'wid50-s1', 'distilbert50-s1', 'tinybert50-s1', 'wid10-s1']);
  for (const m of results.models) {
    assert.equal(m.status.finetune, 'completed', m.key);
    assert.ok(m.tasks.RTE && m.tasks.RTE.score >= 0 && m.tasks.RTE.score <= 1, `${m.key} has an RTE score`);
    assert.ok(m.parameters! > 0);
  }
  const [teacher, wid50, , , wid10] = results.models;
  assert.ok(wid50.parameters! < teacher.parameters! && wid10.parameters! < wid50.parameters!, 'students are smaller, WID-10 % smallest');
  // issue 23: the held-out MLM loss of every student from step 0, WID's masked residue at export, the scoring block
  const full = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
    models: { key: string; heldOutCurve: { step: number }[]; heldOutDistillCurve: { step: number; loss: number }[]; maskedResidue: { max: number } | null }[];
    scoring: { tasks: Record<string, { constant: number; signal: boolean }>; kinds: { kind: string }[] };
  };
  for (const m of full.models.slice(1)) assert.deepEqual(m.heldOutCurve.map((p) => p.step), [0, 1, 2], m.key);
  // and the method's own objective on the same batches (what the lr sweep compares)
  for (const m of full.models.slice(1)) assert.deepEqual(m.heldOutDistillCurve.map((p) => p.step), [0, 1, 2], m.key);
  const wid = full.models.find((m) => m.key === 'wid50-s1')!;
  assert.ok(wid.maskedResidue && wid.maskedResidue.max >= 0);
  assert.equal(full.models.find((m) => m.key === 'distilbert50-s1')!.maskedResidue, null);
  assert.ok(full.scoring.tasks.RTE.constant > 0.4, 'the majority class of the fixture RTE dev set');
  assert.deepEqual(full.scoring.kinds.map((k) => k.kind), ['teacher', 'wid50', 'distilbert50', 'tinybert50', 'wid10']);
});

test('wid repro --kinds runs only the rows it names (one call of a series), the teacher\'s fine-tune only when "teacher" is one', { timeout: 300_000 }, (t) => {
  const out = mkdtempSync(join(tmpdir(), 'wid-repro-kinds-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const base = ['--teacher', TEACHER, '--corpus', CORPUS, '--glue', GLUE, '--out', out, ...tiny];
  let r = repro([...base, '--kinds', 'wid10,tinybert']);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /--kinds: "tinybert" is not a row of this reproduction \(teacher, wid50, distilbert50, tinybert50, wid10;/);
  r = repro([...base, '--kinds', 'wid10']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const state = JSON.parse(readFileSync(join(out, 'state.json'), 'utf8')) as { runs: Record<string, number> };
  assert.deepEqual(Object.keys(state.runs).sort(), ['finetune:wid10-s1', 'wid10-s1'], 'no other student, no teacher fine-tune');
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { models: { key: string; status: { finetune: string | null } }[] };
  assert.deepEqual(results.models.map((m) => [m.key, m.status.finetune]), [['teacher', null], ['wid10-s1', 'completed']]);
  // a later call of the same folder with more rows keeps the runs it has and adds the others (their group alone)
  r = repro([...base, '--kinds', 'wid10,wid50,tinybert50', '--only', 'distill']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const after = JSON.parse(readFileSync(join(out, 'state.json'), 'utf8')) as { runs: Record<string, number> };
  assert.equal(after.runs['wid10-s1'], state.runs['wid10-s1']);
  assert.deepEqual(Object.keys(after.runs).sort(), ['finetune:wid10-s1', 'tinybert50-s1', 'wid10-s1', 'wid50-s1']);
  r = repro([...base, '--kinds', 'wid10,wid50,distilbert50,tinybert50', '--only', 'distill']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const last = JSON.parse(readFileSync(join(out, 'state.json'), 'utf8')) as { runs: Record<string, number> };
  for (const k of ['wid50-s1', 'tinybert50-s1']) assert.equal(last.runs[k], after.runs[k], `${k} is not made again when a group member is added`);
  assert.match(r.stdout, /group \d+ "repro: 50% group, seed 1, distilbert50 added": run \d+ distilbert50-s1\n/);
});

test('wid repro --wid-first-mask-step gives the WID rows their first mask as a share of the run (not the other members of the group); a step outside the run exits 2', { timeout: 300_000 }, (t) => {
  const out = mkdtempSync(join(tmpdir(), 'wid-repro-first-mask-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const base = ['--teacher', TEACHER, '--corpus', CORPUS, '--glue', GLUE, '--out', out, ...tiny, '--steps', '4', '--kinds', 'wid50,distilbert50', '--only', 'distill'];
  let r = repro([...base, '--wid-first-mask-step', '4']);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /--wid-first-mask-step: expected "off" or an integer step in 1\.\.3 \(before --steps 4\), got "4"/);
  r = repro([...base, '--wid-first-mask-step', '2']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
    widFirstMaskStep: number | null; models: { key: string; status: { distill: string | null }; distill: { methodConfig: Record<string, unknown> } | null; sizeCurve?: { step: number; parameters: number }[] }[];
  };
  assert.equal(results.widFirstMaskStep, 2);
  const wid = results.models.find((m) => m.key === 'wid50-s1')!, distil = results.models.find((m) => m.key === 'distilbert50-s1')!;
  assert.deepEqual([wid.status.distill, distil.status.distill], ['completed', 'completed']);
  assert.equal((wid.distill!.methodConfig.methodOptions as { firstMaskAt?: number } | undefined)?.firstMaskAt, 0.5, JSON.stringify(wid.distill!.methodConfig));
  assert.equal(distil.distill!.methodConfig.methodOptions, undefined, JSON.stringify(distil.distill!.methodConfig));
});
