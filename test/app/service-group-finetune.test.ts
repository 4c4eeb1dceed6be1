// groups.finetune refuses, naming the runs, until every member has registered its student; it never takes a
// modelId (it picks the models itself); groups.get answers a group's runs and their parsed settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createService } from '../../src-main/app/service/index.js';

const root = new URL('../..', import.meta.url).pathname;

test('a group whose members have not finished cannot be fine-tuned yet; the message names each member', async () => {
  const home = mkdtempSync(join(tmpdir(), 'wid-group-ft-'));
  const s = await createService({ home, mode: 'cli', startRunner: false });
  try {
    const teacher = await s.call('models.register', { path: join(root, 'test/fixtures/bert/tiny-teacher') });
    const corpus = await s.call('datasets.register', { path: join(root, 'test/fixtures/corpus'), kind: 'corpus' });
    const glue = await s.call('datasets.register', { path: join(root, 'test/fixtures/glue'), kind: 'glue' });
    const { group, runs } = await s.call('groups.create', { methods: ['wid', 'distilbert'], config: {
      teacherModelId: teacher.id, datasetId: corpus.id, preset: 'wid55', steps: 2, batchSize: 2, seqLen: 16, backend: 'wasm' } });
    const got = await s.call('groups.get', { id: group.id });
    assert.deepEqual(got.runs.map((r) => r.id), runs.map((r) => r.id));
    assert.equal(got.settings[runs[0].id].steps, 2, 'settings as the job parsed them');
    const config = { datasetId: glue.id, tasks: ['RTE' as const], lr: 1e-3, epochs: 1 };
    await assert.rejects(s.call('groups.finetune', { id: group.id, config }),
      (e: Error & { code?: string }) => e.code === 'conflict' && new RegExp(`run ${runs[0].id} \\(wid, queued\\), run ${runs[1].id} \\(distilbert, queued\\) registered no student yet`).test(e.message));
    await assert.rejects(s.call('groups.finetune', { id: group.id, config: { ...config, modelId: teacher.id } as never }),
      (e: Error & { code?: string }) => e.code === 'bad_request' && /config\.modelId: leave it out/.test(e.message));
    await assert.rejects(s.call('groups.get', { id: 999 }), (e: Error & { code?: string }) => e.code === 'not_found');
    assert.equal((await s.call('runs.list', { method: ['finetune'] })).length, 0, 'nothing was queued');
  } finally {
    await s.close();
    rmSync(home, { recursive: true, force: true });
  }
});
