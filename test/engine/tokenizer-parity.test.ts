// Token ids, masks and token types identical to transformers' Python BertTokenizer on the cases of
// test/fixtures/bert/tokenizer-cases.json (made by scripts/fixtures/make_bert_fixtures.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BertTokenizer, EncodeOptions } from '../../src-main/engine/tokenizer/index.js';

interface Expected { inputIds: number[]; attentionMask: number[]; tokenTypeIds: number[]; tokens: string[] }
interface Case {
  text: string; pair: string | null;
  options: { max_length?: number; truncation?: 'longest_first' | 'only_first'; padding?: 'max_length' };
  expected: Record<string, Expected>;
  decoded: string; decodedSkipSpecial: string;
}
const fixture = JSON.parse(readFileSync('test/fixtures/bert/tokenizer-cases.json', 'utf8')) as {
  cases: Case[]; vocabs: Record<string, { file: string; lowercase: boolean }>;
};

const optionsOf = (c: Case): EncodeOptions => ({
  maxLength: c.options.max_length, truncation: c.options.truncation ?? false, padding: c.options.padding ?? false,
});

for (const [name, v] of Object.entries(fixture.vocabs)) {
  test(`${name}: token ids, tokens, attention mask and token types equal transformers' BertTokenizer on ${fixture.cases.length} cases`, () => {
    const tok = BertTokenizer.fromVocabFile(`test/fixtures/vocab/${v.file}`, { lowercase: v.lowercase });
    for (const c of fixture.cases) {
      const got = tok.encode(c.text, c.pair ?? undefined, optionsOf(c));
      const want = c.expected[name];
      const label = `${JSON.stringify(c.text)} / ${JSON.stringify(c.pair)} ${JSON.stringify(c.options)}`;
      assert.deepEqual(got.tokens, want.tokens, label);
      assert.deepEqual(got.inputIds, want.inputIds, label);
      assert.deepEqual(got.attentionMask, want.attentionMask, label);
      assert.deepEqual(got.tokenTypeIds, want.tokenTypeIds, label);
    }
  });
}

test('decode equals transformers\' BertTokenizer.decode (bert-base-uncased), with and without special tokens', () => {
  const tok = BertTokenizer.fromVocabFile('test/fixtures/vocab/bert-base-uncased-vocab.txt', { lowercase: true });
  for (const c of fixture.cases) {
    const ids = c.expected['bert-base-uncased'].inputIds;
    assert.equal(tok.decode(ids), c.decoded, JSON.stringify(c.text));
    assert.equal(tok.decode(ids, { skipSpecialTokens: true }), c.decodedSkipSpecial, JSON.stringify(c.text));
  }
});
