// The run page's reread against progress events already shown: chart and progress stay on one step, and a late
// read never moves the progress back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MetricPoint, RunProgress, RunRecord } from '../../src-main/shared/api/index.js';
import { mergeRunRead } from '../../src-renderer/src/lib/runRead.js';

const progress = (step: number): RunProgress => ({ step, totalSteps: 6, values: { loss: 10 - step }, etaSeconds: 1 });
const run = (status: RunRecord['status'], step: number | null, id = 1) =>
  ({ id, status, progress: step == null ? null : progress(step) }) as RunRecord;
const loss = (...steps: number[]): MetricPoint[] => steps.map((step) => ({ step, name: 'loss', value: 10 - step }));

test('a read whose metrics are a step ahead of its progress shows the chart at the progress step', () => {
  const { run: r, metrics } = mergeRunRead(null, run('running', 1), loss(1, 2), {});
  assert.equal(r.progress!.step, 1);
  assert.deepEqual(metrics.loss.map((p) => p.x), [1]);
});

test('a read older than the progress event already shown keeps the newer progress and its points', () => {
  const shown = run('running', 3);
  const { run: r, metrics } = mergeRunRead(shown, run('running', 2), loss(1, 2), { loss: [{ x: 3, y: 7 }] });
  assert.equal(r.progress!.step, 3);
  assert.deepEqual(metrics.loss.map((p) => p.x), [1, 2, 3]);
});

test('a newer read wins; a finished run shows every stored point; another run\'s progress is not carried over', () => {
  assert.equal(mergeRunRead(run('running', 2), run('running', 4), loss(1, 2, 3, 4), {}).run.progress!.step, 4);
  const done = mergeRunRead(run('running', 5), run('completed', 6), loss(1, 2, 3, 4, 5, 6, 7), {});
  assert.deepEqual(done.metrics.loss.map((p) => p.x), [1, 2, 3, 4, 5, 6, 7]);
  assert.equal(mergeRunRead(run('running', 5, 2), run('running', 1), loss(1), {}).run.progress!.step, 1);
});
