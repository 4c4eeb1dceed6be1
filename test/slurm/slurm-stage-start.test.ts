// The start message a SLURM job runs: its input paths as the cluster's nodes see the shared folder (remoteDir),
// in the parsed job config the worker runs as well as in the request's config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SharedPaths } from '../../src-main/app/slurm/job-files.js';
import { stageStartMessage } from '../../src-main/app/slurm/stage-inputs.js';

test('a SLURM start message carries cluster paths in the job config the worker runs, one copy per input', async () => {
  const shared = mkdtempSync(join(tmpdir(), 'wid-stage-'));
  const outside = mkdtempSync(join(tmpdir(), 'wid-teacher-'));
  writeFileSync(join(outside, 'config.json'), '{}');
  mkdirSync(join(shared, 'data'), { recursive: true });
  const corpus = join(shared, 'data', 'corpus.txt');
  writeFileSync(corpus, 'a line\n');
  const paths = new SharedPaths({ sharedDir: shared, remoteDir: '/cluster/scratch' });
  const start = { type: 'start', config: { teacherPath: outside, corpusPath: corpus, steps: 2 }, jobConfig: { teacherPath: outside, corpusPath: corpus, steps: 2, lr: 5e-5 } };
  const { start: staged, copied } = await stageStartMessage(start, paths, shared);
  const job = staged.jobConfig as Record<string, unknown>;
  assert.equal(job.corpusPath, '/cluster/scratch/data/corpus.txt', 'a shared path is translated');
  assert.match(String(job.teacherPath), /^\/cluster\/scratch\/wid-workbench\/inputs\/[0-9a-f]{16}-wid-teacher-/, 'an outside input is copied and translated');
  assert.equal(job.lr, 5e-5, 'the rest of the parsed config is kept');
  assert.equal(staged.config.teacherPath, job.teacherPath, 'the request and the job config name the same copy');
  assert.equal(copied.length, 1, 'copied once');
});
