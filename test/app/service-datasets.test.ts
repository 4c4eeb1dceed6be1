// Service: registering and previewing corpora and GLUE folders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createService } from '../../src-main/app/service/index.js';
import type { Service } from '../../src-main/app/service/contract.js';
import { tempHome } from './support/runner-harness.js';

const GLUE = resolve('test/fixtures/glue');
const CORPUS = resolve('test/fixtures/corpus/pride-and-prejudice.txt');

async function service(t: Parameters<typeof tempHome>[0]): Promise<Service> {
  const s = await createService({ home: tempHome(t), mode: 'cli', startRunner: false });
  t.after(() => s.close());
  return s;
}

test('a corpus file is registered with its line count and size, and previews its first lines', async (t) => {
  const s = await service(t);
  const text = readFileSync(CORPUS, 'utf8');
  const d = await s.call('datasets.register', { path: CORPUS, kind: 'corpus' });
  assert.equal(d.stats.lines, text.split('\n').length - (text.endsWith('\n') ? 1 : 0));
  assert.equal(d.stats.bytes, Buffer.byteLength(text));
  const p = await s.call('datasets.preview', { id: d.id, limit: 3 });
  assert.deepEqual(p.rows.map((r) => r[0]), text.split('\n').slice(0, 3).map((l) => l.replace(/\r$/, '')));
});

test('a folder of .txt files counts every file; a folder without one is a bad_request', async (t) => {
  const s = await service(t);
  const dir = join(tempHome(t), 'corpus');
  mkdirSync(join(dir, 'sub'), { recursive: true });
  writeFileSync(join(dir, 'a.txt'), 'one\ntwo\n');
  writeFileSync(join(dir, 'sub', 'b.txt'), 'three');
  writeFileSync(join(dir, 'notes.md'), 'ignored\n');
  const d = await s.call('datasets.register', { path: dir, kind: 'corpus', name: 'mini' });
  assert.deepEqual(d.stats, { files: 2, lines: 3, bytes: 13 });
  await assert.rejects(s.call('datasets.register', { path: join(dir, 'sub', '..', '..'), kind: 'glue' }), /holds no GLUE task/);
});

test('a GLUE folder is registered with row counts per task and split', async (t) => {
  const s = await service(t);
  const d = await s.call('datasets.register', { path: GLUE, kind: 'glue' });
  assert.deepEqual(d.stats.tasks, { 'SST-2': { train: 400, dev: 200 }, RTE: { train: 300, dev: 100 }, WNLI: { train: 200, dev: 70 } });
  const p = await s.call('datasets.preview', { id: d.id, task: 'RTE', limit: 2 });
  assert.deepEqual(p.columns, ['textA', 'textB', 'label']);
  assert.equal(p.rows.length, 2);
  assert.ok(['entailment', 'not_entailment'].includes(p.rows[0][2]));
});

test('a malformed GLUE row is a bad_request naming file and line, and nothing is registered', async (t) => {
  const s = await service(t);
  const dir = join(tempHome(t), 'glue');
  cpSync(join(GLUE, 'RTE'), join(dir, 'RTE'), { recursive: true });
  const train = join(dir, 'RTE', 'train.tsv');
  writeFileSync(train, readFileSync(train, 'utf8').replace(/\n$/, '') + '\n99\tonly two columns\n');
  await assert.rejects(s.call('datasets.register', { path: dir, kind: 'glue' }), /train\.tsv:302/);
  assert.deepEqual(await s.call('datasets.list', {}), []);
});

test('a missing path or an unknown kind is a bad_request naming the field', async (t) => {
  const s = await service(t);
  await assert.rejects(s.call('datasets.register', { path: '/no/such/dir', kind: 'corpus' }), /path: \/no\/such\/dir does not exist/);
  await assert.rejects(s.call('datasets.register', { path: GLUE, kind: 'images' as never }), /kind: expected one of corpus, glue/);
});
