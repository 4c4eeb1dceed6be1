import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BertTokenizer } from '../../src-main/engine/tokenizer/index.js';

const uncased = BertTokenizer.fromVocabFile('test/fixtures/vocab/bert-base-uncased-vocab.txt', { lowercase: true });
const cased = BertTokenizer.fromVocabFile('test/fixtures/vocab/bert-base-cased-vocab.txt', { lowercase: false });

test('uncased: lower-cases, strips accents, splits punctuation; ids are bert-base-uncased ids', () => {
  const e = uncased.encode('Héllo, WORLD!');
  assert.deepEqual(e.tokens, ['[CLS]', 'hello', ',', 'world', '!', '[SEP]']);
  assert.deepEqual(e.inputIds, [101, 7592, 1010, 2088, 999, 102]);
  assert.deepEqual(e.attentionMask, [1, 1, 1, 1, 1, 1]);
  assert.deepEqual(e.tokenTypeIds, [0, 0, 0, 0, 0, 0]);
});

test('cased: keeps case and accents', () => {
  assert.deepEqual(cased.tokenize('Café Paris'), ['Café', 'Paris']);
  assert.equal(cased.clsId, 101);
  assert.equal(cased.vocabSize, 28996);
});

test('CJK characters become single tokens and long words split greedily into ## pieces', () => {
  assert.deepEqual(uncased.tokenize('東京'), ['東', '京']);
  const pieces = uncased.tokenize('unbelievableness');
  assert.ok(pieces.length > 1 && pieces.slice(1).every((p) => p.startsWith('##')), JSON.stringify(pieces));
  assert.equal(pieces.join('').replaceAll('##', ''), 'unbelievableness');
});

test('a pair gets [SEP] between, token type 1 on the second text', () => {
  const e = uncased.encode('a b', 'c');
  assert.deepEqual(e.tokens, ['[CLS]', 'a', 'b', '[SEP]', 'c', '[SEP]']);
  assert.deepEqual(e.tokenTypeIds, [0, 0, 0, 0, 1, 1]);
});

test('longest_first truncation removes from the longer text, the pair on a tie', () => {
  const e = uncased.encode('a b c d e', 'f g', { maxLength: 8 });
  assert.deepEqual(e.tokens, ['[CLS]', 'a', 'b', 'c', '[SEP]', 'f', 'g', '[SEP]']);
  const tie = uncased.encode('a b c', 'd e f', { maxLength: 8 });
  assert.deepEqual(tie.tokens, ['[CLS]', 'a', 'b', 'c', '[SEP]', 'd', 'e', '[SEP]']);
});

test('only_first truncation keeps the pair whole; padding to max_length masks the pad', () => {
  const e = uncased.encode('a b c d e', 'f g', { maxLength: 10, truncation: 'only_first', padding: 'max_length' });
  assert.deepEqual(e.tokens, ['[CLS]', 'a', 'b', 'c', 'd', 'e', '[SEP]', 'f', 'g', '[SEP]']);
  const p = uncased.encode('a', undefined, { maxLength: 5, padding: 'max_length' });
  assert.deepEqual(p.inputIds, [101, 1037, 102, 0, 0]);
  assert.deepEqual(p.attentionMask, [1, 1, 1, 0, 0]);
  assert.throws(() => uncased.encode('a', 'b c d e f', { maxLength: 5, truncation: 'only_first' }), /cannot truncate the first text to maxLength 5/);
});

test('encodeBatch pads rows to the longest into flat int32 arrays', () => {
  const b = uncased.encodeBatch(['a', ['a b', 'c']]);
  assert.equal(b.batchSize, 2);
  assert.equal(b.seqLength, 6);
  assert.deepEqual([...b.attentionMask], [1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
  assert.deepEqual([...b.tokenTypeIds], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
  assert.ok(b.inputIds instanceof Int32Array);
});

test('decode joins ## pieces and can skip special tokens', () => {
  const e = uncased.encode("I don't know, unbelievableness!");
  assert.equal(uncased.decode(e.inputIds, { skipSpecialTokens: true }), "i don't know, unbelievableness!");
  assert.match(uncased.decode(e.inputIds), /^\[CLS\] i don't/);
});

test('fromModelDir reads a WordPiece tokenizer.json when there is no vocab.txt', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'wid-tok-'));
  const vocab = cased.vocab;
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify({
    normalizer: { type: 'BertNormalizer', lowercase: false, strip_accents: null, handle_chinese_chars: true, clean_text: true },
    model: { type: 'WordPiece', vocab: Object.fromEntries(vocab.map((t, i) => [t, i])) },
  }));
  const fromJson = BertTokenizer.fromModelDir(dir);
  assert.equal(fromJson.lowercase, false);
  assert.deepEqual(fromJson.encode('Café Paris, 東京!').inputIds, cased.encode('Café Paris, 東京!').inputIds);
});
