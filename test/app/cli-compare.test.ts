// `wid compare`: the GLUE comparison as a terminal table (scores ×100) or the service's CSV/Markdown export.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GlueComparisonTable } from '../../src-main/shared/api/index.js';
import type { Service } from '../../src-main/app/service/contract.js';
import { compareCommand } from '../../src-main/cli/commands/compareCommand.js';
import { CliError } from '../../src-main/cli/cliError.js';
import { createFakeService } from './support/fakeService.js';

const table: GlueComparisonTable = {
  tasks: ['SST-2', 'RTE'],
  teacher: 'bert-base',
  rows: [
    { name: 'bert-base', isTeacher: true, parameterCount: 109482240, fileSize: null, latencyMsBatch1: null, throughputBatch32: null,
      scores: { 'SST-2': 0.9232, RTE: 0.6643 }, average: 0.79375, percentOfTeacher: 100, missingTasks: [] },
    { name: 'wid-student', isTeacher: false, parameterCount: 11000000, fileSize: null, latencyMsBatch1: null, throughputBatch32: null,
      scores: { 'SST-2': 0.881, RTE: null }, average: null, percentOfTeacher: null, missingTasks: ['RTE'] },
  ],
};

function serviceWith(calls: { method: string; req: unknown }[]): Service {
  const fake = createFakeService('cli');
  return { ...fake, call: (async (method: string, req: unknown) => {
    calls.push({ method, req });
    if (method === 'compare.table') return table;
    if (method === 'compare.export') return { text: 'model,SST-2\nbert-base,92.32\n' };
    if (method === 'models.list') return [{ id: 4 }, { id: 9 }];
    throw new Error(`unexpected ${method}`);
  }) as Service['call'] };
}

test('the table shows scores x100, the teacher marked, missing scores as "-"', async () => {
  const calls: { method: string; req: unknown }[] = [];
  const lines: string[] = [];
  assert.equal(await compareCommand(serviceWith(calls), { models: '1,2', teacher: '1' }, (l) => lines.push(l)), 0);
  assert.deepEqual(calls, [{ method: 'compare.table', req: { modelIds: [1, 2], teacherModelId: 1 } }]);
  const [header, , teacher, student] = lines.join('\n').split('\n');
  assert.match(header!, /model\s+params\s+SST-2\s+RTE\s+GLUE avg\s+% teacher/);
  assert.match(teacher!, /bert-base \(teacher\)\s+109482240\s+92\.3\s+66\.4\s+79\.4\s+100\.0/);
  assert.match(student!, /wid-student\s+11000000\s+88\.1\s+-\s+-\s+-/);
});

test('csv and markdown come from compare.export; without --models every registered model is compared', async () => {
  const calls: { method: string; req: unknown }[] = [];
  const lines: string[] = [];
  await compareCommand(serviceWith(calls), { format: 'csv', tasks: 'SST-2' }, (l) => lines.push(l));
  assert.deepEqual(calls.at(-1), { method: 'compare.export', req: { modelIds: [4, 9], tasks: ['SST-2'], format: 'csv' } });
  assert.deepEqual(lines, ['model,SST-2\nbert-base,92.32']);
});

test('an unknown format or a bad id is a usage error (exit code 2)', async () => {
  const service = serviceWith([]);
  for (const opts of [{ format: 'xml' }, { models: '1,x' }, { models: '1', teacher: '-3' }]) {
    await assert.rejects(compareCommand(service, opts, () => {}), (err: unknown) => err instanceof CliError && err.exitCode === 2);
  }
});
