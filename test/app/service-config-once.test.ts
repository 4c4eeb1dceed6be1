// Issue 26 item 4 / issue 22 item 1: every option of every job kind is parsed and bounded by the service before
// anything is written: non-finite numbers, unknown options and cross-field rules answer bad_request naming the
// field, the value and what was expected, and the memory estimate covers every job kind (a fine-tune's batch and
// length sit under `hp`). No run row, no run folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createService } from '../../src-main/app/service/index.js';
import { ApiError, type Service } from '../../src-main/app/service/contract.js';
import { openStore } from '../../src-main/app/store/index.js';
import { tempHome } from './support/runner-harness.js';

const TINY = resolve('test/fixtures/bert/tiny-teacher');
const CORPUS = resolve('test/fixtures/corpus/pride-and-prejudice.txt');
const GLUE = resolve('test/fixtures/glue');

interface Setup { s: Service; home: string; teacher: number; giant: number; corpus: number; glue: number }

/** A service with the tiny teacher, a copy whose config.json claims hidden 2^20, the corpus and the GLUE folder registered. */
async function setup(t: Parameters<typeof tempHome>[0]): Promise<Setup> {
  const home = tempHome(t);
  const s = await createService({ home, mode: 'cli', startRunner: false });
  t.after(() => s.close());
  const giantDir = join(home, 'giant');
  cpSync(TINY, giantDir, { recursive: true });
  const cfg = JSON.parse(readFileSync(join(giantDir, 'config.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(giantDir, 'config.json'), JSON.stringify({ ...cfg, hidden_size: 2 ** 20 }));
  const store = openStore(s.dataDir);
  const row = (name: string, path: string) => store.models.insert({ name, kind: 'teacher', path, config: {}, parameterCount: null, fileSize: null, sourceRunId: null }).id;
  const out = {
    s, home, teacher: row('tiny', TINY), giant: row('giant', giantDir),
    corpus: store.datasets.insert({ name: 'pp', kind: 'corpus', path: CORPUS, stats: {} }).id,
    glue: store.datasets.insert({ name: 'glue', kind: 'glue', path: GLUE, stats: {} }).id,
  };
  store.close();
  return out;
}

async function refused(x: Setup, p: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ApiError, `expected ApiError, got ${String(err)}`);
    assert.equal(err.code, 'bad_request', err.message);
    assert.match(err.message, message);
    return true;
  });
  assert.deepEqual(await x.s.call('runs.list', { includeArchived: true }), [], 'no run row');
  const runsDir = join(x.s.dataDir, 'runs');
  assert.deepEqual(existsSync(runsDir) ? readdirSync(runsDir) : [], [], 'no run folder');
}

test('a fine-tune or evaluation of a checkpoint whose config.json claims hidden 2^20 is refused by the memory estimate', async (t) => {
  const x = await setup(t);
  await refused(x, x.s.call('runs.create', { method: 'finetune', config: { modelId: x.giant, datasetId: x.glue, task: 'RTE' } }),
    /^finetune config: one fine-tuning step of batchSize 32 x 128 tokens on this 2-layer, 1048576-wide model needs at least [\d.]+ GiB, more than this machine's [\d.]+ GiB of memory; lower batchSize or maxLength$/);
  await refused(x, x.s.call('runs.create', { method: 'evaluate', config: { modelId: x.giant } }),
    /^evaluate config: a forward pass of batch 32 x 128 tokens on this 2-layer, 1048576-wide model needs at least [\d.]+ GiB/);
  // the same checkpoint as a distillation teacher, as before
  await refused(x, x.s.call('runs.create', { method: 'wid', config: { teacherModelId: x.giant, datasetId: x.corpus, preset: 'wid55', seqLen: 32, batchSize: 2 } }),
    /^wid config: one training step of batchSize 2 x 32 tokens on this 2-layer, 1048576-wide model needs at least/);
  // the real tiny model fine-tunes
  const ok = await x.s.call('runs.create', { method: 'finetune', config: { modelId: x.teacher, datasetId: x.glue, task: 'RTE' } });
  assert.equal(ok.status, 'queued');
});

test('a fine-tune config with an unknown option or a non-finite number is refused naming it, not run with defaults', async (t) => {
  const x = await setup(t);
  const base = { modelId: x.teacher, datasetId: x.glue, task: 'RTE' };
  await refused(x, x.s.call('runs.create', { method: 'finetune', config: { ...base, epoch: 5 } as never }), /^finetune config: epoch: unknown option; expected one of .*epochs/);
  await refused(x, x.s.call('runs.create', { method: 'finetune', config: { ...base, lr: Infinity } }), /^finetune config: lr: expected a learning rate in \(0, 1\), got Infinity$/);
  await refused(x, x.s.call('runs.create', { method: 'finetune', config: { ...base, warmupRatio: NaN } }), /^finetune config: warmupRatio: expected a number from 0 to 0\.99, got NaN$/);
  await refused(x, x.s.call('runs.create', { method: 'evaluate', config: { modelId: x.teacher, batchSizes: [1, 1e999] } }), /^evaluate config: batchSizes\.1: expected an integer from 1 to 1024, got Infinity$/);
});

test('runs.plan and groups.create refuse what runs.create refuses, naming the field', async (t) => {
  const x = await setup(t);
  const base = { teacherModelId: x.teacher, datasetId: x.corpus, preset: 'wid55' as const, steps: 2, seqLen: 32, batchSize: 2 };
  await assert.rejects(x.s.call('runs.plan', { methods: ['wid'], config: { ...base, maskProb: 1e999 } }), /^ApiError: maskProb: expected a number in \(0, 1\), got Infinity$/);
  await refused(x, x.s.call('runs.create', { method: 'distilbert', config: { ...base, distilbert: { alpha: { ce: 0, mlm: 0, cos: 0 } } } }),
    /^distilbert config: distilbert\.alpha: expected at least one loss weight > 0, got \{"ce":0,"mlm":0,"cos":0\}$/);
  await refused(x, x.s.call('groups.create', { methods: ['wid', 'tinybert'], config: { ...base, tinybert: { temperature: -2 } } }),
    /^methods\[1\] \(tinybert\): tinybert config: tinybert\.temperature: expected a number > 0 \(at most 100\), got -2$/);
  assert.deepEqual(await x.s.call('groups.list', {}), []);
});
