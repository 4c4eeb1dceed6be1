// `--parallel N` / WID_PARALLEL: how many runs the app executes at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parallelRuns } from '../../src-main/app/parallel-runs.js';
import { startWebMode } from '../../src-main/app/web/webMode.js';
import { tempHome } from './support/runner-harness.js';

test('the explicit value wins, then WID_PARALLEL, else one run at a time; a bad WID_PARALLEL is named', () => {
  assert.equal(parallelRuns(undefined, {}), 1);
  assert.equal(parallelRuns(undefined, { WID_PARALLEL: '3' }), 3);
  assert.equal(parallelRuns(2, { WID_PARALLEL: '3' }), 2);
  assert.throws(() => parallelRuns(undefined, { WID_PARALLEL: '0' }), /WID_PARALLEL must be a positive integer \(runs executed at once\), got "0"/);
  assert.throws(() => parallelRuns(undefined, { WID_PARALLEL: 'two' }), /WID_PARALLEL must be a positive integer/);
});

test('web mode with parallel 2 runs two queued runs at the same time', { timeout: 60_000 }, async (t) => {
  const mode = await startWebMode({ home: tempHome(t), port: 0, parallel: 2 });
  t.after(() => mode.close());
  const slow = { steps: 100, delayMs: 50, backend: 'wasm' as const, seed: 1 };
  const a = await mode.service.call('runs.create', { method: 'selftest', config: slow });
  const b = await mode.service.call('runs.create', { method: 'selftest', config: slow });
  const until = Date.now() + 40_000;
  let both = false;
  while (!both && Date.now() < until) {
    const [ra, rb] = await Promise.all([mode.service.call('runs.get', { id: a.id }), mode.service.call('runs.get', { id: b.id })]);
    both = ra.status === 'running' && rb.status === 'running' && (ra.progress?.step ?? 0) > 0 && (rb.progress?.step ?? 0) > 0;
    if (!both) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(both, 'both runs were running and making progress at once');
  for (const id of [a.id, b.id]) await mode.service.call('runs.cancel', { id });
});
