// Resume is offered where it can help: stopped runs, and failures that are not a refused config or a divergence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunRecord } from '../../src-main/shared/api/index.js';
import { resumeHelps } from '../../src-renderer/src/lib/resumeAdvice.js';

const run = (status: RunRecord['status'], error: string | null = null) => ({ status, error }) as RunRecord;

test('paused, cancelled and interrupted runs resume; completed and running ones do not', () => {
  for (const s of ['paused', 'cancelled', 'interrupted'] as const) assert.equal(resumeHelps(run(s)).helps, true, s);
  for (const s of ['completed', 'running', 'queued'] as const) assert.equal(resumeHelps(run(s)).helps, false, s);
});

test('a failure from a refused config or a diverged loss says why Resume would not help; other failures may retry', () => {
  assert.match(resumeHelps(run('failed', 'wid config: steps: expected an integer from 1 to 10000000, got 0')).why, /settings were refused/);
  assert.match(resumeHelps(run('failed', 'loss is NaN at step 12: training diverged (try a lower lr)')).why, /lower learning rate/);
  assert.equal(resumeHelps(run('failed', 'ENOENT: no such file or directory, open /data/corpus.txt')).helps, true);
});

test('a run that exhausted the wasm heap is not offered Resume: it would fail the same way', () => {
  const r = resumeHelps(run('failed', 'the wasm backend ran out of memory: its heap is one WebAssembly memory of at most 4 GiB (4082 MiB in use when it failed), whatever this machine\'s RAM. (RuntimeError: memory access out of bounds)'));
  assert.equal(r.helps, false);
  assert.match(r.why, /webgpu or tensorflow backend/);
});
