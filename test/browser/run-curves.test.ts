// Compare → Runs curves: only series that mean the same thing share a chart; normalisation, smoothing and the
// wall-clock axis transform each run's points.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunRecord } from '../../src-main/shared/api/index.js';
import { comparableGroups, metricNames, normalise, objectiveKey, smooth, viewSeries, wallClockSeconds } from '../../src-renderer/src/lib/runCurves.js';

const run = (id: number, method: RunRecord['method'], config: Record<string, unknown> = {}): RunRecord => ({
  id, name: `run ${id}`, method, status: 'completed', config, seed: 0, backend: 'wasm', device: null, teacherModelId: null,
  datasetId: null, parentRunId: null, groupId: null, tags: [], notes: '', archived: false, error: null, progress: null,
  result: null, createdAt: '', startedAt: null, finishedAt: null,
});

test('losses of different objectives go on separate charts; the same objective, and any non-loss metric, share one', () => {
  const runs = [run(1, 'wid', { wid: { objective: 'mlm' } }), run(2, 'distilbert'), run(3, 'wid', { wid: { objective: 'mlm' } }), run(4, 'wid', { wid: { objective: 'kd' } })];
  assert.deepEqual(comparableGroups('loss', runs), [
    { key: 'loss · wid (mlm)', runIds: [1, 3] }, { key: 'loss · distilbert', runIds: [2] }, { key: 'loss · wid (kd)', runIds: [4] }]);
  assert.deepEqual(comparableGroups('tokensPerSec', runs), [{ key: 'tokensPerSec', runIds: [1, 2, 3, 4] }]);
  assert.equal(objectiveKey(run(5, 'wid')), 'wid (default objective)');
});

test('normalising divides by the first non-zero value; smoothing is a debiased moving average', () => {
  assert.deepEqual(normalise([{ x: 1, y: 0 }, { x: 2, y: 4 }, { x: 3, y: 2 }]).map((p) => p.y), [0, 1, 0.5]);
  const s = smooth([{ x: 1, y: 10 }, { x: 2, y: 0 }], 0.5);
  assert.equal(s[0].y, 10, 'the first point is not pulled towards 0');
  assert.ok(Math.abs(s[1].y - (0.5 * 5 + 0) / 0.75) < 1e-12);
  assert.deepEqual(smooth([{ x: 1, y: 3 }], 0), [{ x: 1, y: 3 }]);
});

test('wall-clock seconds are cumulative tokens over the session\'s tokens/s; a run without them has no time axis', () => {
  const m = { tokens: [{ x: 1, y: 100 }, { x: 2, y: 100 }], tokensPerSec: [{ x: 1, y: 50 }, { x: 2, y: 40 }], loss: [{ x: 1, y: 3 }, { x: 2, y: 2 }] };
  assert.deepEqual([...wallClockSeconds(m)!.entries()], [[1, 2], [2, 5]]);
  assert.deepEqual(viewSeries(m, 'loss', { x: 'seconds', normalise: false, smoothing: 0 }), [{ x: 2, y: 3 }, { x: 5, y: 2 }]);
  assert.equal(viewSeries({ loss: m.loss }, 'loss', { x: 'seconds', normalise: false, smoothing: 0 }), null);
});

test('the metric picker lists loss first, then the other losses, then the rest', () => {
  assert.deepEqual(metricNames([{ lr: [], 'loss/kd': [] }, { loss: [], tokensPerSec: [] }]), ['loss', 'loss/kd', 'lr', 'tokensPerSec']);
});
