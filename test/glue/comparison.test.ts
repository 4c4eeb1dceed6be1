import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildComparison, type ComparisonEvaluation } from '../../src-main/engine/glue/comparison.js';
import { toCsv, toMarkdown } from '../../src-main/engine/glue/comparison-export.js';

const models = [
  { name: 'bert-base', isTeacher: true, parameterCount: 109482240, fileSize: 440473133 },
  { name: 'wid-6L', parameterCount: 66955010 },
  { name: 'distilbert, v2', parameterCount: 66955010 },
];
const evaluations: ComparisonEvaluation[] = [
  { model: 'bert-base', task: 'SST-2', metric: 'accuracy', value: 0.92 },
  { model: 'bert-base', task: 'MRPC', metric: 'f1', value: 0.90 },
  { model: 'bert-base', task: 'MRPC', metric: 'accuracy', value: 0.86 },
  { model: 'wid-6L', task: 'SST-2', metric: 'accuracy', value: 0.90 },
  { model: 'wid-6L', task: 'MRPC', metric: 'f1', value: 0.88 },
  { model: 'wid-6L', task: 'MRPC', metric: 'accuracy', value: 0.82 },
  { model: 'distilbert, v2', task: 'SST-2', metric: 'accuracy', value: 0.80 },
  { model: 'distilbert, v2', task: 'SST-2', metric: 'accuracy', value: 0.874 },
];

test('task score is the mean of the task metrics and GLUE average the mean of task scores', () => {
  const t = buildComparison({ models, evaluations });
  assert.deepEqual(t.tasks, ['SST-2', 'MRPC']);
  const teacher = t.rows[0];
  assert.ok(Math.abs(teacher.scores['MRPC']! - 0.88) < 1e-12);
  assert.ok(Math.abs(teacher.average! - 0.90) < 1e-12); // (0.92 + 0.88) / 2
  const wid = t.rows[1];
  assert.ok(Math.abs(wid.average! - 0.875) < 1e-12); // (0.90 + 0.85) / 2
});

test('% of teacher compares averages over the tasks both have', () => {
  const t = buildComparison({ models, evaluations });
  assert.ok(Math.abs(t.rows[0].percentOfTeacher! - 100) < 1e-9);
  assert.ok(Math.abs(t.rows[1].percentOfTeacher! - (100 * 0.875) / 0.9) < 1e-9);
  // distilbert has only SST-2 (latest value 0.874 wins): 0.874 / 0.92.
  assert.ok(Math.abs(t.rows[2].percentOfTeacher! - 95) < 1e-9);
  assert.deepEqual(t.rows[2].missingTasks, ['MRPC']);
});

test('an evaluation naming an unknown model or task is an error', () => {
  assert.throws(() => buildComparison({ models, evaluations: [{ model: 'nope', task: 'SST-2', metric: 'accuracy', value: 1 }] }), /"nope"/);
  assert.throws(() => buildComparison({ models, evaluations: [{ model: 'wid-6L', task: 'SST2', metric: 'accuracy', value: 1 }] }), /unknown GLUE task "SST2"/);
});

test('CSV has one header and one line per model, quoting cells with commas', () => {
  const csv = toCsv(buildComparison({ models, evaluations }));
  const lines = csv.trimEnd().split('\n');
  assert.equal(lines[0], 'model,parameters,MFLOPs/token,file bytes,latency ms (b1),throughput/s (b32),SST-2,MRPC,GLUE avg,% of teacher');
  assert.equal(lines[1], 'bert-base (teacher),109482240,,440473133,,,92.0,88.0,90.0,100.0');
  assert.equal(lines[3], '"distilbert, v2",66955010,,,,,87.4,,87.4,95.0');
});

test('Markdown is a pipe table with right-aligned number columns', () => {
  const md = toMarkdown(buildComparison({ models, evaluations })).trimEnd().split('\n');
  assert.equal(md.length, 5);
  assert.equal(md[1], '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  assert.equal(md[2], '| bert-base (teacher) | 109482240 |  | 440473133 |  |  | 92.0 | 88.0 | 90.0 | 100.0 |');
  assert.equal(md[3], '| wid-6L | 66955010 |  |  |  |  | 90.0 | 85.0 | 87.5 | 97.2 |');
});

test('efficiency evaluations fill the size and speed columns and are not a task column', () => {
  const t = buildComparison({
    models: [{ name: 'wid-6L' }, { name: 'tiny', parameterCount: 5 }],
    evaluations: [
      { model: 'wid-6L', task: 'efficiency', metric: 'latencyMsBatch1', value: 12.5 },
      { model: 'wid-6L', task: 'efficiency', metric: 'throughputBatch32', value: 300 },
      { model: 'wid-6L', task: 'efficiency', metric: 'parameterCount', value: 66955010 },
      { model: 'tiny', task: 'efficiency', metric: 'parameterCount', value: 7 },
      { model: 'wid-6L', task: 'RTE', metric: 'accuracy', value: 0.6 },
    ],
  });
  assert.deepEqual(t.tasks, ['RTE']);
  assert.equal(t.rows[0].latencyMsBatch1, 12.5);
  assert.equal(t.rows[0].throughputBatch32, 300);
  assert.equal(t.rows[0].parameterCount, 66955010);
  assert.equal(t.rows[0].fileSize, null);
  // a figure on the model record wins over a measured one
  assert.equal(t.rows[1].parameterCount, 5);
});
