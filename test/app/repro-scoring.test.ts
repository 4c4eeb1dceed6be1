// The reproduction's scoring (issue 23): constant baselines from dev labels, tasks without signal left out of the
// headline, mean ± std over distillation seeds, and which differences exceed the seed spread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constantBaseline, constantBaselinesFromGlue, scoreReproduction, stat } from '../../src-main/app/repro/scoring.js';

const near = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) < eps, `${a} vs ${b}`);

test('the constant baseline is the best one-class prediction under the task metric (MRPC: mean of F1 and accuracy; CoLA MCC 0; STS-B 0)', () => {
  const mrpc = constantBaseline('MRPC', [[1, 1, 1, 0]]);
  assert.equal(mrpc.prediction, '1');
  near(mrpc.score, (6 / 7 + 0.75) / 2);
  assert.deepEqual(constantBaseline('CoLA', [[1, 1, 0]]), { score: 0, prediction: '0' });
  assert.deepEqual(constantBaseline('STS-B', [[0.5, 4.2]]), { score: 0, prediction: 'mean' });
  const rte = constantBaseline('RTE', [[0, 0, 1]]);
  assert.equal(rte.prediction, 'entailment');
  near(rte.score, 2 / 3);
});

test('constant baselines are read from the dev files of a GLUE folder', () => {
  const c = constantBaselinesFromGlue('test/fixtures/glue', ['RTE', 'SST-2']);
  assert.ok(c.RTE.score >= 0.5 && c.RTE.score <= 1);
  assert.ok(['0', '1'].includes(c['SST-2'].prediction));
});

test('mean and sample std over seeds; one seed has no std', () => {
  const s = stat([0.1, 0.2, 0.3]);
  near(s.mean, 0.2);
  near(s.std!, 0.1);
  assert.equal(stat([0.5]).std, null);
});

const constants = { CoLA: { score: 0, prediction: '0' }, 'SST-2': { score: 0.5, prediction: '1' }, RTE: { score: 0.527, prediction: 'not_entailment' } };
const row = (key: string, method: string, tasks: Record<string, number>) => ({ key, label: key, method, tasks: Object.fromEntries(Object.entries(tasks).map(([t, score]) => [t, { score }])) });

test('a task where the teacher is within 3 points of the constant is shown but left out of the headline', () => {
  const s = scoreReproduction([
    row('teacher', 'teacher', { CoLA: 0.16, 'SST-2': 0.8, RTE: 0.55 }),
    row('wid50-s1', 'wid', { CoLA: 0.12, 'SST-2': 0.78, RTE: 0.6 }),
  ], ['CoLA', 'SST-2', 'RTE'], constants);
  assert.deepEqual(s.signalTasks, ['CoLA', 'SST-2']);
  assert.equal(s.tasks.RTE.signal, false);
  near(s.tasks.RTE.margin!, 2.3, 1e-6);
  const wid = s.kinds.find((k) => k.kind === 'wid50')!;
  near(wid.headline!.mean, (0.12 + 0.78) / 2);
  assert.equal(wid.tasks.RTE.mean, 0.6, 'RTE is still reported');
  near(wid.percentOfTeacher!, (100 * 0.45) / 0.48);
});

test('differences exceed the seed spread only when |Δmean| > std_a + std_b with two or more seeds a side', () => {
  const s = scoreReproduction([
    row('teacher', 'teacher', { CoLA: 0.2, 'SST-2': 0.8 }),
    row('wid50-s1', 'wid', { CoLA: 0.20, 'SST-2': 0.80 }), row('wid50-s2', 'wid', { CoLA: 0.22, 'SST-2': 0.80 }),
    row('tinybert50-s1', 'tinybert', { CoLA: 0.0, 'SST-2': 0.70 }), row('tinybert50-s2', 'tinybert', { CoLA: 0.02, 'SST-2': 0.70 }),
    row('distilbert50-s1', 'distilbert', { CoLA: 0.10, 'SST-2': 0.80 }), row('distilbert50-s2', 'distilbert', { CoLA: 0.30, 'SST-2': 0.80 }),
    row('wid10-s1', 'wid', { CoLA: 0.0, 'SST-2': 0.7 }),
  ], ['CoLA', 'SST-2'], constants);
  const h = (a: string, b: string) => s.comparisons.find((c) => c.a === a && c.b === b && c.on === 'headline')!;
  assert.equal(h('wid50', 'tinybert50').exceedsSpread, true);
  assert.equal(h('wid50', 'distilbert50').exceedsSpread, false, 'DistilBERT\'s seeds spread 10 points');
  assert.equal(h('wid50', 'wid10').exceedsSpread, null, 'one WID-10 % seed: no spread to compare with');
  assert.match(h('wid50', 'tinybert50').statement, /headline: wid50-s1 .* vs tinybert50-s1 .*: difference \+15\.0 points, exceeds the seed spread/);
  assert.equal(s.statements.length, 6);
});

test('wid repro --methods adds ALBERT and MobileBERT rows to every 50 % group at WID-50 %\'s shape', async () => {
  const { distillStages } = await import('../../src-main/app/repro/plan.js');
  const { parseExtraMethods } = await import('../../src-main/app/repro/options.js');
  const base = { steps: 10, batchSize: 4, seqLen: 16, backend: 'wasm', seeds: [1, 2], variants: [] } as unknown as Parameters<typeof distillStages>[0];
  assert.equal(distillStages(base).filter((s) => s.method === 'albert' || s.method === 'mobilebert').length, 0, 'not without --methods');
  const stages = distillStages({ ...base, extraMethods: parseExtraMethods('albert,mobilebert') });
  const extra = stages.filter((s) => s.method === 'albert' || s.method === 'mobilebert');
  assert.deepEqual(extra.map((s) => s.key), ['albert50-s1', 'mobilebert50-s1', 'albert50-s2', 'mobilebert50-s2']);
  for (const s of extra) {
    const wid = stages.find((x) => x.key === `wid50-s${s.key.slice(-1)}`)!;
    assert.equal(s.group, wid.group, 'same compare group as WID-50 %');
    assert.deepEqual(s.config, wid.config, 'same budget, seed and preset');
  }
  assert.throws(() => parseExtraMethods('albert,electra'), /--methods: "electra" is not a distillation method; expected some of wid, distilbert, tinybert, albert, mobilebert/);
});
