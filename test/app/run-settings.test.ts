// Issue 22 item 1: a run's effective settings (runs.settings, the run page, `wid show`) are the config the service
// parsed at runs.create, every default filled in; a run stored before that config was kept is decoded as the runner
// decodes it (the fields alone, no file read).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createService } from '../../src-main/app/service/index.js';
import { ApiError } from '../../src-main/app/service/contract.js';
import { openStore } from '../../src-main/app/store/index.js';
import { showCommand } from '../../src-main/cli/commands/showCommand.js';
import { tempHome } from './support/runner-harness.js';

const SELFTEST_PARSED = { steps: 3, delayMs: 0, batchSize: 8, seqLen: 16, learningRate: 0.01, backend: 'wasm', precision: 'auto', seed: 5 };

test('runs.settings and wid show give the stored parsed config, defaults the request left out included', async (t) => {
  const s = await createService({ home: tempHome(t), mode: 'cli', startRunner: false });
  t.after(() => s.close());
  const run = await s.call('runs.create', { method: 'selftest', config: { steps: 3, backend: 'wasm', seed: 5 } });
  assert.deepEqual(run.config, { steps: 3, backend: 'wasm', seed: 5 });
  assert.deepEqual(await s.call('runs.settings', { id: run.id }), SELFTEST_PARSED);

  const json: string[] = [];
  assert.equal(await showCommand(s, run.id, { json: true }, (l) => json.push(l)), 0);
  assert.deepEqual((JSON.parse(json.join('\n')) as { settings: unknown }).settings, SELFTEST_PARSED);
  const text: string[] = [];
  assert.equal(await showCommand(s, run.id, {}, (l) => text.push(l)), 0);
  assert.match(text.join('\n'), /^ {2}config {4}\{"steps":3,"backend":"wasm","seed":5\}$/m);
  assert.match(text.join('\n'), new RegExp(`^  settings  ${JSON.stringify(SELFTEST_PARSED).replace(/[{}.]/g, '\\$&')}$`, 'm'));

  await assert.rejects(s.call('runs.settings', { id: 987654 }), (e: unknown) => e instanceof ApiError && e.code === 'not_found');
});

test('a run stored without a parsed config shows its config decoded as the runner decodes it', async (t) => {
  const s = await createService({ home: tempHome(t), mode: 'cli', startRunner: false });
  t.after(() => s.close());
  const store = openStore(s.dataDir);
  t.after(() => store.close());
  const legacy = store.runs.insert({ name: 'old', method: 'selftest', seed: 5, config: { steps: 3, backend: 'wasm', seed: 5 } });
  assert.equal(store.runs.jobConfig(legacy.id), null);
  assert.deepEqual(await s.call('runs.settings', { id: legacy.id }), SELFTEST_PARSED);
  const wid = store.runs.insert({ name: 'old wid', method: 'wid', seed: 1, config: {
    teacherPath: 'test/fixtures/bert/tiny-teacher', corpusPath: 'test/fixtures/corpus/pride-and-prejudice.txt', steps: 10, seed: 1, preset: 'wid55' } });
  const settings = await s.call('runs.settings', { id: wid.id });
  assert.equal(settings.lr, 5e-5, 'WID\'s published lr');
  assert.equal((settings.methodOptions as Record<string, unknown>).objective, 'mlm', 'WID\'s default objective');
});
