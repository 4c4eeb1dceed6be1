// The GLUE scoring form's settings → finetune config: one lr fine-tunes once, several make sweep.lr; row caps are
// separate for training and dev; bad values are named before anything is sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultFinetuneSettings, finetuneConfig, finetuneProblems, parseLrGrid } from '../../src-renderer/src/lib/finetuneSettings.js';

test('a learning-rate grid is read from commas or spaces; out-of-range, repeated or too many values are refused by name', () => {
  assert.deepEqual(parseLrGrid('2e-5, 3e-5 5e-5'), { values: [2e-5, 3e-5, 5e-5], problem: null });
  assert.match(parseLrGrid('2e-5, 1.5').problem!, /“1\.5” is not/);
  assert.match(parseLrGrid('abc').problem!, /“abc” is not/);
  assert.match(parseLrGrid('1e-5, 1e-5').problem!, /listed twice/);
  assert.match(parseLrGrid('1,2,3,4,5,6,7,8,9'.split(',').map((n) => `${n}e-5`).join(',')).problem!, /at most 8/);
  assert.match(parseLrGrid(' ').problem!, /give one value/);
});

test('one learning rate gives lr alone; several give lr (the first) and sweep.lr; row caps only when set', () => {
  const s = { ...defaultFinetuneSettings('wasm'), datasetId: 3, tasks: ['RTE'], lrText: '3e-3' };
  assert.deepEqual(finetuneConfig(s, 7), { datasetId: 3, tasks: ['RTE'], epochs: 3, lr: 3e-3, batchSize: 32, maxLength: 128, efficiency: true, backend: 'wasm', seed: 7 });
  // precision: sent when the form asks for one (auto is the job's default)
  assert.equal(s.precision, 'auto');
  assert.equal(finetuneConfig({ ...s, precision: 'fp32' }, 7).precision, 'fp32');
  const grid = finetuneConfig({ ...s, lrText: '2e-5, 5e-5', maxTrainRows: 64, maxDevRows: 20 });
  assert.deepEqual([grid.lr, grid.sweep, grid.maxTrainRows, grid.maxDevRows, 'seed' in grid], [2e-5, { lr: [2e-5, 5e-5] }, 64, 20, false]);
});

test('the default is BERT\'s GLUE protocol (lr grid 2e-5..5e-5, batch 32, 3 epochs, 128 tokens) and needs only a folder and a task', () => {
  const d = defaultFinetuneSettings();
  assert.deepEqual(parseLrGrid(d.lrText).values, [2e-5, 3e-5, 4e-5, 5e-5]);
  assert.deepEqual([d.batchSize, d.epochs, d.maxLength], [32, 3, 128]);
  assert.deepEqual(finetuneProblems(d), ['Choose a GLUE folder (register one under Datasets).']);
  assert.deepEqual(finetuneProblems({ ...d, datasetId: 1 }), ['Choose at least one task.']);
  assert.deepEqual(finetuneProblems({ ...d, datasetId: 1, tasks: ['RTE'], epochs: 0, maxDevRows: 0 }),
    ['Epochs must be a whole number from 1 to 100 (got 0).', 'Dev rows must be empty (all) or a whole number ≥ 1 (got 0).']);
});

test('the form\'s bounds are the finetune schema\'s: what the form refuses the service refuses, and its maximum passes both', async () => {
  const { FINETUNE } = await import('../../src-renderer/src/lib/finetuneSettings.js');
  const { parseFineTuneConfig } = await import('../../src-main/engine/jobs/finetune.js');
  const d = { ...defaultFinetuneSettings(), datasetId: 1, tasks: ['RTE'] };
  const service = { modelPath: '/m', gluePath: '/g', task: 'RTE' };
  for (const key of ['epochs', 'batchSize', 'maxLength'] as const) {
    const { min, max } = FINETUNE[key]!;
    assert.deepEqual(finetuneProblems({ ...d, [key]: max }), [], `${key} = ${max}`);
    assert.doesNotThrow(() => parseFineTuneConfig({ ...service, [key]: max }));
    for (const bad of [min! - 1, max! + 1]) {
      assert.equal(finetuneProblems({ ...d, [key]: bad }).length, 1, `${key} = ${bad}`);
      assert.throws(() => parseFineTuneConfig({ ...service, [key]: bad }), new RegExp(`^ConfigError: ${key}: expected`));
    }
  }
  assert.deepEqual([FINETUNE.epochs!.default, FINETUNE.batchSize!.default, FINETUNE.maxLength!.default], [d.epochs, d.batchSize, d.maxLength]);
});
