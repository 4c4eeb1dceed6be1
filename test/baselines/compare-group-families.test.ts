// A compare group may hold the ALBERT and MobileBERT methods beside WID: same teacher, corpus, budget and target;
// each member exports a student of its own family, registered as a model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createService } from '../../src-main/app/service/index.js';
import { groupRequestFrom } from '../../src-main/cli/groupRequest.js';
import { runCompareGroup, TINY_TARGET as target } from './support/compare-group-run.js';

test('a compare group of ALBERT and MobileBERT trains both on the shared target and registers their students', async (t) => {
  // the request `wid run --config` makes of a file with "method": "compare" and "methods"
  const { s, runs, finished } = await runCompareGroup(t, 2, (ids) => groupRequestFrom({ method: 'compare', name: 'families', methods: ['albert', 'mobilebert'], config: {
    ...ids, target, steps: 3, batchSize: 2, seqLen: 16, backend: 'wasm', checkpointEvery: 0, seed: 5,
  } } as Parameters<typeof groupRequestFrom>[0]));
  assert.deepEqual(runs.map((r) => r.method), ['albert', 'mobilebert']);
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
