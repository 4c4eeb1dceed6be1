// The CLI follows a run through service events and stops at its final status; progress lines are readable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunRecord, RunStatus } from '../../src-main/shared/api/index.js';
import type { Service } from '../../src-main/app/service/contract.js';
import { followRun, progressLine } from '../../src-main/cli/followRun.js';
import { createFakeService } from './support/fakeService.js';

function record(status: RunStatus): RunRecord {
  return {
    id: 3, name: 'r', method: 'selftest', status, config: {}, seed: 1, backend: 'wasm', device: 'cpu', teacherModelId: null,
    datasetId: null, parentRunId: null, groupId: null, tags: [], notes: '', archived: false, error: null, progress: null,
    result: null, createdAt: '', startedAt: null, finishedAt: null,
  };
}

test('a progress line shows step, total, phase, values and eta', () => {
  assert.equal(progressLine(3, { step: 4, totalSteps: 12, phase: 'distill', values: { loss: 2.345678, lr: 0.0001 }, etaSeconds: 7.6 }),
    'run 3 [distill] step 4/12 loss=2.346 lr=0.0001 eta 8s');
});

test('following a run prints its progress and log events and resolves with the final record', async () => {
  const fake = createFakeService('cli');
  let status: RunStatus = 'running';
  const service: Service = { ...fake, call: (async (method: string) => {
    if (method === 'runs.get') return record(status);
    throw new Error(`unexpected ${method}`);
  }) as Service['call'] };
  const lines: string[] = [];
  const done = followRun(service, 3, (l) => lines.push(l), 60_000);
  await new Promise((r) => setImmediate(r));
  fake.emit({ type: 'run.progress', runId: 99, progress: { step: 1, totalSteps: 2, values: { loss: 9 }, etaSeconds: null } });
  fake.emit({ type: 'run.log', runId: 3, level: 'info', message: 'hello' });
  fake.emit({ type: 'run.progress', runId: 3, progress: { step: 2, totalSteps: 2, values: { loss: 1.5 }, etaSeconds: 0 } });
  status = 'completed';
  fake.emit({ type: 'run.status', runId: 3, status: 'completed' });
  const final = await done;
  assert.equal(final.status, 'completed');
  assert.deepEqual(lines, ['run 3 info: hello', 'run 3 step 2/2 loss=1.5 eta 0s', 'run 3 completed']);
});

test('following a run that already finished resolves at once from runs.get', async () => {
  const fake = createFakeService('cli');
  const service: Service = { ...fake, call: (async () => record('failed')) as Service['call'] };
  assert.equal((await followRun(service, 3, () => {}, 60_000)).status, 'failed');
});
