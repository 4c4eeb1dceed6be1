// The renderer's run Compare view on finetune runs: efficiency evaluations are not a task column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildComparison } from '../../src-renderer/src/lib/comparison.js';
import type { EvaluationRecord, RunRecord } from '../../src-main/shared/api/index.js';

const run = (id: number, parameterCount: number) => ({ id, name: `ft ${id}`, method: 'finetune', result: { parameterCount } }) as unknown as RunRecord;
const ev = (runId: number, task: string, metric: string, value: number) => ({ id: 0, runId, modelId: 1, task, metric, value, createdAt: '' }) as EvaluationRecord;

test('compare view scores finetune runs by task and leaves efficiency figures out of the scores', () => {
  const rows = buildComparison([run(1, 345920), run(2, 157600)], {
    1: [ev(1, 'RTE', 'accuracy', 0.6), ev(1, 'RTE', 'score', 0.6), ev(1, 'efficiency', 'parameterCount', 345920), ev(1, 'efficiency', 'latencyMsBatch1', 30)],
    2: [ev(2, 'RTE', 'accuracy', 0.54), ev(2, 'RTE', 'score', 0.54)],
  }, 1);
  assert.deepEqual(Object.keys(rows[0].scores), ['RTE']);
  assert.equal(rows[0].parameters, 345920);
  assert.ok(Math.abs(rows[1].percentOfReference! - 90) < 1e-9);
});
