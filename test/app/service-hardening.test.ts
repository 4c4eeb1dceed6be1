// Issue 15 item 4: requests that used to answer 500 or start a run that could never finish are refused
// up front with a bad_request naming the problem, and write nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createService } from '../../src-main/app/service/index.js';
import { ApiError, type Service } from '../../src-main/app/service/contract.js';
import { openStore } from '../../src-main/app/store/index.js';
import { checkMemory, trainingStepBytes } from '../../src-main/app/service/run-limits.js';
import { bertConfigFromHf } from '../../src-main/engine/bert/index.js';
import { tempHome } from './support/runner-harness.js';

const TINY = resolve('test/fixtures/bert/tiny-teacher');
const CORPUS = resolve('test/fixtures/corpus/pride-and-prejudice.txt');

async function service(t: Parameters<typeof tempHome>[0]): Promise<Service> {
  const s = await createService({ home: tempHome(t), mode: 'cli', startRunner: false });
  t.after(() => s.close());
  return s;
}

async function badRequest(p: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ApiError, `expected ApiError, got ${String(err)}`);
    assert.equal(err.code, 'bad_request', err.message);
    assert.match(err.message, message);
    return true;
  });
}

async function noRuns(s: Service): Promise<void> {
  assert.deepEqual(await s.call('runs.list', { includeArchived: true }), []);
}

test('steps and batchSize far beyond any real budget are refused naming the key and the bound', async (t) => {
  const s = await service(t);
  await badRequest(s.call('runs.create', { method: 'selftest', config: { steps: 1e308 } }), /config\.steps: at most 10000000, got 1e\+308/);
  await badRequest(s.call('runs.create', { method: 'selftest', config: { batchSize: 1e6 } }), /config\.batchSize: at most 8192/);
  await noRuns(s);
});

for (const method of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
  test(`method "${method}" (an Object.prototype key) is an unknown method, not a crash`, async (t) => {
    const s = await service(t);
    await badRequest(s.call('runs.create', { method: method as never, config: {} }), /method: expected one of .*selftest/);
    await badRequest(s.call('groups.create', { methods: [method as never], config: {} }), /method: expected one of/);
    await noRuns(s);
  });
}

test('a config nested 5,000 levels deep is refused before anything walks it', async (t) => {
  const s = await service(t);
  let deep: Record<string, unknown> = {};
  for (let i = 0; i < 5000; i++) deep = { a: deep };
  await badRequest(s.call('runs.create', { method: 'selftest', config: deep }), /nested more than 32 levels deep \(at config(\.a)+\)/);
  await badRequest(s.call('runs.update', { id: 1, tags: deep as never }), /nested more than 32 levels/);
  await noRuns(s);
});

test('a distillation run whose training step cannot fit in memory is refused before it is created', async (t) => {
  const s = await service(t);
  const store = openStore(s.dataDir);
  const teacher = store.models.insert({ name: 'tiny', kind: 'teacher', path: TINY, config: {}, parameterCount: null, fileSize: null, sourceRunId: null });
  const corpus = store.datasets.insert({ name: 'pp', kind: 'corpus', path: CORPUS, stats: {} });
  store.close();
  const config = { teacherModelId: teacher.id, datasetId: corpus.id, steps: 2, seqLen: 128, target: { layers: 2, hidden: 32, heads: 2, intermediate: 64 } };
  // 4M tokens x 4096-word vocabulary: the MLM logits alone are > 100 GiB
  await badRequest(s.call('runs.create', { method: 'wid', config: { ...config, batchTokens: 4_194_304 } }), /wid config: one training step of batchTokens 4194304 .* needs at least [\d.]+ GiB, more than this machine's/);
  await noRuns(s);
  // an ordinary budget on the same teacher is accepted
  const run = await s.call('runs.create', { method: 'wid', config: { ...config, batchSize: 4 } });
  assert.equal(run.status, 'queued');
});

test('the memory estimate grows with the tokens per step and refuses what exceeds the memory given', () => {
  const model = bertConfigFromHf(JSON.parse(readFileSync(join(TINY, 'config.json'), 'utf8')));
  assert.ok(trainingStepBytes(model, 2048, 128) > trainingStepBytes(model, 1024, 128));
  const need = trainingStepBytes(model, 32 * 128, 128);
  assert.doesNotThrow(() => checkMemory('wid', { teacherPath: TINY, batchSize: 32, seqLen: 128 }, need + 1));
  assert.throws(() => checkMemory('wid', { teacherPath: TINY, batchSize: 32, seqLen: 128 }, need - 1), /batchSize 32 x 128 tokens/);
});

test('exporting a student into a symlink, a dangling symlink or below a file is a bad_request naming the path', async (t) => {
  const s = await service(t);
  const home = tempHome(t);
  const run = await s.call('runs.create', { method: 'selftest', config: {} });
  const store = openStore(s.dataDir);
  store.artifacts.insert({ runId: run.id, kind: 'student', path: TINY, size: 1, sha256: 'x' });
  store.close();
  const empty = join(home, 'empty');
  mkdirSync(empty);
  const link = join(home, 'link');
  symlinkSync(empty, link);
  const dangling = join(home, 'dangling');
  symlinkSync(join(home, 'nowhere'), dangling);
  const file = join(home, 'file');
  writeFileSync(file, 'x');
  await badRequest(s.call('runs.exportStudent', { id: run.id, dir: link }), new RegExp(`dir: ${link} is a symbolic link`));
  await badRequest(s.call('runs.exportStudent', { id: run.id, dir: dangling }), new RegExp(`dir: ${dangling} is a symbolic link`));
  await badRequest(s.call('runs.exportStudent', { id: run.id, dir: join(file, 'student') }), new RegExp(`dir: ${file} is a file`));
  await badRequest(s.call('runs.exportStudent', { id: run.id, dir: 'student' }), /dir: expected an absolute folder path, got "student"/);
  assert.deepEqual(readdirSync(empty), []);
  assert.equal(existsSync(join(home, 'nowhere')), false);
  assert.deepEqual(readdirSync(home).sort(), ['dangling', 'empty', 'file', 'link']);
});
