import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineCorpus } from '../../src-main/engine/train/corpus.js';

const FIXTURE = new URL('../fixtures/corpus/pride-and-prejudice.txt', import.meta.url).pathname;
const tmp = (name: string, text: string): string => {
  const p = join(mkdtempSync(join(tmpdir(), 'wid-corpus-')), name);
  writeFileSync(p, text);
  return p;
};

test('corpus yields non-blank lines in order without line endings and wraps to the next epoch', async () => {
  const c = new LineCorpus(tmp('a.txt', 'first line\r\n\n   \nsecond\nthird without newline'));
  const got = [];
  for (let i = 0; i < 4; i++) got.push(await c.nextLine());
  assert.deepEqual(got, ['first line', 'second', 'third without newline', 'first line']);
  assert.equal(c.position().epoch, 1);
  await c.close();
});

test('corpus resumed from a saved position continues with the same lines, across read chunks', async () => {
  const a = new LineCorpus(FIXTURE);
  for (let i = 0; i < 300; i++) await a.nextLine();
  const saved = a.position();
  const expected = [];
  for (let i = 0; i < 700; i++) expected.push(await a.nextLine()); // crosses the end of the file
  const b = new LineCorpus(FIXTURE, saved);
  const got = [];
  for (let i = 0; i < 700; i++) got.push(await b.nextLine());
  assert.deepEqual(got, expected);
  assert.equal(b.position().epoch, 1);
  assert.deepEqual(b.position(), a.position());
  await a.close();
  await b.close();
});

test('corpus streams every paragraph of the fixture exactly once per epoch', async () => {
  const lines = readFileSync(FIXTURE, 'utf8').split('\n').filter((l) => l.trim());
  const c = new LineCorpus(FIXTURE);
  for (const line of lines) assert.equal(await c.nextLine(), line);
  assert.equal(c.position().epoch, 0);
  assert.equal(await c.nextLine(), lines[0]);
  assert.equal(c.position().epoch, 1);
  await c.close();
});

test('a folder corpus streams its .txt files in sorted path order, subfolders included, and resumes inside any file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wid-corpus-dir-'));
  mkdirSync(join(dir, 'b'));
  writeFileSync(join(dir, 'a.txt'), 'a1\na2\n');
  writeFileSync(join(dir, 'b', 'x.txt'), 'b1\n\nb2');
  writeFileSync(join(dir, 'c.txt'), '');
  writeFileSync(join(dir, 'd.txt'), 'd1\n');
  writeFileSync(join(dir, 'notes.md'), 'not corpus\n');
  const c = new LineCorpus(dir);
  const got = [];
  for (let i = 0; i < 3; i++) got.push(await c.nextLine());
  const saved = c.position();
  for (let i = 0; i < 4; i++) got.push(await c.nextLine());
  assert.deepEqual(got, ['a1', 'a2', 'b1', 'b2', 'd1', 'a1', 'a2']);
  assert.equal(c.position().epoch, 1);
  const resumed = new LineCorpus(dir, saved);
  assert.deepEqual([await resumed.nextLine(), await resumed.nextLine()], ['b2', 'd1']);
  await c.close();
  await resumed.close();
});

test('a missing, empty or blank-only corpus is an error naming the file', async () => {
  assert.throws(() => new LineCorpus('/nonexistent/corpus.txt'), /\/nonexistent\/corpus\.txt.*cannot read/);
  const empty = tmp('empty.txt', '');
  assert.throws(() => new LineCorpus(empty), /empty\.txt: file is empty/);
  const blank = tmp('blank.txt', '\n  \n\n');
  const c = new LineCorpus(blank);
  await assert.rejects(() => c.nextLine(), /blank\.txt: contains no non-blank lines/);
  await c.close();
  assert.throws(() => new LineCorpus(mkdtempSync(join(tmpdir(), 'wid-corpus-none-'))), /holds no \.txt file/);
});
