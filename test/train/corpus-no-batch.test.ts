// Issue 15 item 1: a corpus that can never yield a batch fails at once with an error naming it, instead of
// spinning at 100 % CPU forever (and blocking every run queued behind it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineCorpus } from '../../src-main/engine/train/corpus.js';
import { MlmBatcher } from '../../src-main/engine/train/batcher.js';
import { wordTokenizer } from './support/word-tokenizer.js';

const tok = wordTokenizer(64);
const file = (name: string, content: string | Buffer) => {
  const p = join(mkdtempSync(join(tmpdir(), 'wid-nobatch-')), name);
  writeFileSync(p, content);
  return p;
};

test('a file of NUL bytes has no non-blank line: the corpus says so, naming the file', { timeout: 10_000 }, async () => {
  const p = file('nul.txt', Buffer.alloc(100_000));
  await assert.rejects(new LineCorpus(p).nextLine(), new RegExp(`corpus ${p}: contains no non-blank lines \\(a line of NUL bytes`));
  const lines = file('nul-lines.txt', Buffer.from('\0\0\0\n\u0001\u0002\n \t\0\n'.repeat(1000)));
  await assert.rejects(new MlmBatcher(new LineCorpus(lines), tok, { seqLen: 16, batchSize: 2 }).nextRows(), /contains no non-blank lines/);
});

test('lines the tokenizer maps to nothing, for a whole pass over the corpus, fail naming the corpus', { timeout: 10_000 }, async () => {
  const p = file('words.txt', 'some text\nmore text here\n'.repeat(500));
  const silent = { ...tok, encode: () => [] };
  await assert.rejects(new MlmBatcher(new LineCorpus(p), silent, { seqLen: 16, batchSize: 2 }).nextRows(),
    new RegExp(`corpus ${p}: no line gives a single token with the teacher's tokenizer`));
});

test('a corpus with only one line that gives tokens still makes batches, a pass per row', { timeout: 10_000 }, async () => {
  const p = file('one.txt', `${'nothing here\n'.repeat(50)}x marks the spot\n${'nothing here\n'.repeat(50)}`);
  const onlyX = { ...tok, encode: (text: string) => (text.includes('x') ? tok.encode(text) : []) };
  const rows = await new MlmBatcher(new LineCorpus(p), onlyX, { seqLen: 8, batchSize: 3 }).nextRows();
  assert.equal(rows.length, 3);
});
