// A compare group may hold the ALBERT and MobileBERT methods beside WID: same teacher, corpus, budget and target;
// each member exports a student of its own family, registered as a model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createService } from '../../src-main/app/service/index.js';
import type { RunRecord } from '../../src-main/shared/api/index.js';
import { groupRequestFrom } from '../../src-main/cli/groupRequest.js';
import { TINY_TEACHER } from './support/tiny-run.js';

const CORPUS = new URL('../fixtures/corpus/pride-and-prejudice.txt', import.meta.url).pathname;
const FINISHED = ['completed', 'failed', 'cancelled', 'interrupted'];

test('a compare group of ALBERT and MobileBERT trains both on the shared target and registers their students', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'wid-compare-families-'));
  const s = await createService({ home, mode: 'cli', concurrency: 2 });
  t.after(async () => { await s.close(); rmSync(home, { recursive: true, force: true }); });
  const teacher = await s.call('models.register', { path: TINY_TEACHER, kind: 'teacher' });
  const corpus = await s.call('datasets.register', { path: CORPUS, kind: 'corpus' });
  const target = { layers: 2, hidden: 32, heads: 4, intermediate: 64 };
  // the request `wid run --config` makes of a file with "method": "compare" and "methods"
  const request = groupRequestFrom({ method: 'compare', name: 'families', methods: ['albert', 'mobilebert'], config: {
    teacherModelId: teacher.id, datasetId: corpus.id, target, steps: 3, batchSize: 2, seqLen: 16, backend: 'wasm', checkpointEvery: 0, seed: 5,
  } } as Parameters<typeof groupRequestFrom>[0]);
  const { runs } = await s.call('groups.create', request);
  assert.deepEqual(runs.map((r) => r.method), ['albert', 'mobilebert']);
  const finished = new Map<number, RunRecord>();
  const deadline = Date.now() + 170_000;
  while (finished.size < runs.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    for (const r of runs) {
      const now = await s.call('runs.get', { id: r.id });
      if (FINISHED.includes(now.status)) finished.set(r.id, now);
    }
  }
  const models = await s.call('models.list', {});
  for (const [r, arch] of [[runs[0], 'AlbertForMaskedLM'], [runs[1], 'MobileBertForMaskedLM']] as const) {
    const done = finished.get(r.id);
    assert.ok(done, `run ${r.id} (${r.method}) did not finish`);
    assert.equal(done.status, 'completed', `${r.method}: ${done.error ?? ''}`);
    const result = done.result as { student: typeof target; studentFamily: string; studentPath: string; parameterCount: number };
    assert.equal(result.studentFamily, r.method);
    assert.deepEqual({ layers: result.student.layers, hidden: result.student.hidden }, { layers: 2, hidden: 32 });
    assert.equal(JSON.parse(readFileSync(join(result.studentPath, 'config.json'), 'utf8')).architectures[0], arch);
    const model = models.find((m) => m.sourceRunId === r.id);
    assert.ok(model, `${r.method} student registered`);
    assert.equal(model.parameterCount, result.parameterCount, 'the registered count is the family\'s (ALBERT: shared layer once)');
  }
});

test('a compare group naming an unknown method is refused with the supported list', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'wid-compare-bad-'));
  const s = await createService({ home, mode: 'cli', startRunner: false });
  t.after(async () => { await s.close(); rmSync(home, { recursive: true, force: true }); });
  await assert.rejects(s.call('groups.create', { methods: ['electra' as 'albert', 'albert'], config: {} }), /methods\[0\] \(electra\).*tinybert, albert, mobilebert/);
});
