import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFineTuneConfig } from '../../src-main/engine/jobs/finetune.js';
import { parseEvaluateConfig } from '../../src-main/engine/jobs/evaluate.js';
import { ConfigError } from '../../src-main/engine/jobs/types.js';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { loadHfModel } from '../../src-main/engine/checkpoint/index.js';
import { disposeWeights } from '../../src-main/engine/bert/index.js';
import { classifierWeights } from '../../src-main/engine/glue/finetune.js';

const ok = { modelPath: '/models/wid', gluePath: '/data/glue', task: 'RTE' };
const rejects = (raw: unknown, field: RegExp) => assert.throws(() => parseFineTuneConfig(raw), (e: Error) => e instanceof ConfigError && field.test(e.message));

test('finetune config: defaults follow the BERT recipe', () => {
  const c = parseFineTuneConfig(ok);
  assert.deepEqual(c.tasks, ['RTE']);
  assert.equal(c.hp.lr, 2e-5);
  assert.equal(c.hp.epochs, 3);
  assert.equal(c.hp.batchSize, 32);
  assert.equal(c.hp.maxLength, 128);
  assert.equal(c.hp.warmupRatio, 0.1);
  assert.equal(c.backend, 'auto');
  assert.equal(c.efficiency, true);
  assert.equal(c.hp.pooler, 'checkpoint');
});

test('finetune config: without lr or sweep the learning rate is searched over the default grid; one lr means no search', () => {
  assert.deepEqual(parseFineTuneConfig(ok).sweep, { lr: [1e-4, 5e-5, 3e-5, 2e-5] });
  const single = parseFineTuneConfig({ ...ok, lr: 3e-5 });
  assert.equal(single.sweep, undefined);
  assert.equal(single.hp.lr, 3e-5);
  assert.deepEqual(parseFineTuneConfig({ ...ok, sweep: { lr: [1e-4] } }).sweep, { lr: [1e-4] });
});

test('finetune config: pooler is "checkpoint" or "fresh"', () => {
  assert.equal(parseFineTuneConfig({ ...ok, pooler: 'fresh' }).hp.pooler, 'fresh');
  rejects({ ...ok, pooler: 'teacher' }, /^pooler: /);
});

test('finetune config: classifier is "fresh" (default) or "checkpoint"; the engine names a missing or mis-sized head', async () => {
  assert.equal(parseFineTuneConfig(ok).hp.classifier, 'fresh');
  assert.equal(parseFineTuneConfig({ ...ok, classifier: 'checkpoint' }).hp.classifier, 'checkpoint');
  rejects({ ...ok, classifier: 'teacher' }, /^classifier: /);
  await selectBackend('wasm');
  const mlm = await loadHfModel('test/fixtures/bert/tiny-teacher');
  const cls = await loadHfModel('test/fixtures/bert/parity-cls-uncased'); // 3 labels
  try {
    assert.throws(() => classifierWeights(mlm, 'RTE', 1, 'checkpoint', 'checkpoint'), /classifier "checkpoint": the model has no classifier\.weight/);
    assert.throws(() => classifierWeights(cls, 'RTE', 1, 'checkpoint', 'checkpoint'), /classifier is \[3,32\] \+ \[3\], RTE needs \[2,32\] \+ \[2\]/);
    const { initial } = classifierWeights(cls, 'MNLI', 1, 'checkpoint', 'checkpoint');
    assert.equal(initial['classifier.weight'], cls.weights['classifier.weight']);
  } finally {
    disposeWeights(mlm.weights);
    disposeWeights(cls.weights);
  }
});

test('finetune config: a registered model id and dataset id stand in for the paths', () => {
  const c = parseFineTuneConfig({ modelId: 4, datasetId: 2, tasks: ['SST-2', 'MNLI'], sweep: { lr: [1e-4, 5e-5], epochs: [2, 3] } });
  assert.equal(c.modelId, 4);
  assert.equal(c.modelPath, '');
  assert.deepEqual(c.tasks, ['SST-2', 'MNLI']);
  assert.deepEqual(c.sweep, { lr: [1e-4, 5e-5], epochs: [2, 3] });
});

test('finetune config: bad fields are rejected with the field named', () => {
  rejects({ gluePath: '/g', task: 'RTE' }, /^modelPath: .*modelId/);
  rejects({ modelPath: '/m', task: 'RTE' }, /^gluePath: /);
  rejects({ ...ok, task: 'SST2' }, /^task: expected a GLUE task name from CoLA, .*, got "SST2"/);
  rejects({ ...ok, task: undefined, tasks: [] }, /^tasks: expected a non-empty list/);
  rejects({ ...ok, lr: 0 }, /^lr: expected a learning rate in \(0, 1\), got 0/);
  rejects({ ...ok, epochs: 1.5 }, /^epochs: expected an integer/);
  rejects({ ...ok, batchSize: 0 }, /^batchSize: /);
  rejects({ ...ok, warmupRatio: 1 }, /^warmupRatio: /);
  rejects({ ...ok, backend: 'tpu' }, /^backend: expected one of/);
  rejects({ ...ok, sweep: { epochs: [2] } }, /^sweep.lr: /);
  rejects({ ...ok, sweep: { lr: [1e-4], epochs: [0] } }, /^sweep\.epochs\.0: expected an integer from 1 to 100, got 0/);
  rejects({ ...ok, maxTrainRows: -5 }, /^maxTrainRows: /);
  rejects({ ...ok, saveModel: 'yes' }, /^saveModel: expected true or false/);
  rejects('RTE', /^config: expected an object/);
});

test('evaluate config: batch sizes and sequence length are checked, model path or id required', () => {
  const c = parseEvaluateConfig({ modelPath: '/models/wid' });
  assert.deepEqual(c.batchSizes, [1, 32]);
  assert.equal(c.seqLen, 128);
  assert.throws(() => parseEvaluateConfig({}), /modelPath: /);
  assert.throws(() => parseEvaluateConfig({ modelPath: '/m', batchSizes: [0] }), /batchSizes\.0: expected an integer from 1 to 1024, got 0/);
  assert.throws(() => parseEvaluateConfig({ modelPath: '/m', seqLen: 1000 }), /seqLen: expected an integer from 1 to 512/);
});

test('finetune config: maxTrainRowsByTask caps single tasks of the run and names a bad entry', () => {
  const c = parseFineTuneConfig({ ...ok, tasks: ['RTE', 'SST-2'], maxTrainRows: 500, maxTrainRowsByTask: { 'SST-2': 20000 } });
  assert.deepEqual(c.maxTrainRowsByTask, { 'SST-2': 20000 });
  assert.equal(c.maxTrainRows, 500);
  rejects({ ...ok, maxTrainRowsByTask: { 'SST-2': 10 } }, /maxTrainRowsByTask\.SST-2: expected one of the run's tasks \(RTE\), got "SST-2"/);
  rejects({ ...ok, maxTrainRowsByTask: { RTE: 0 } }, /maxTrainRowsByTask\.RTE: expected an integer >= 1/);
  rejects({ ...ok, maxTrainRowsByTask: [1] }, /maxTrainRowsByTask: expected \{ TASK: rows \}/);
});

test('finetune and evaluate configs: unknown keys, non-finite numbers and missing tasks are refused naming the field', () => {
  rejects({ ...ok, epoch: 5 }, /^epoch: unknown option; expected one of .*epochs/);
  rejects({ ...ok, sweep: { lr: [1e-4], epoch: [2] } }, /^sweep\.epoch: unknown option; expected one of lr, epochs/);
  rejects({ ...ok, lr: Infinity }, /^lr: expected a learning rate in \(0, 1\), got Infinity/);
  rejects({ ...ok, clipNorm: NaN }, /^clipNorm: expected .*, got NaN/);
  rejects({ ...ok, task: undefined }, /^task: expected a GLUE task name \(or tasks: a list\)/);
  rejects({ ...ok, task: undefined, tasks: ['RTE', 'RTE'] }, /^tasks: expected each GLUE task at most once/);
  assert.throws(() => parseEvaluateConfig({ modelPath: '/m', iter: 3 }), /^ConfigError: iter: unknown option/);
  assert.throws(() => parseEvaluateConfig({ modelPath: '/m', seqLen: 1e999 }), /seqLen: expected an integer from 1 to 512, got Infinity/);
});
