// Sentence-order pairs (train/sentence-order.ts): rows "[CLS] A [SEP] B [SEP]" of two consecutive segments of one
// document, swapped with p = 0.5, labelled 0 in order / 1 swapped; documents end at blank lines and at a file's end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineCorpus } from '../../src-main/engine/train/corpus.js';
import { Rng } from '../../src-main/engine/train/rng.js';
import { corpusHasDocuments, SentenceOrderBatcher, type PairRow } from '../../src-main/engine/train/sentence-order.js';
import type { CorpusTokenizer } from '../../src-main/engine/train/batcher.js';

// Line ℓ of document d holds the tokens d·1000 + ℓ·10 + i: every token says where it came from.
const CLS = 1, SEP = 2;
const tokenizer: CorpusTokenizer = {
  encode: (text) => text.split(/\s+/).filter(Boolean).map(Number),
  vocabSize: 100_000, clsTokenId: CLS, sepTokenId: SEP, padTokenId: 0, maskTokenId: 3, specialTokenIds: [0, 1, 2, 3],
};
const doc = (d: number, lines: number, perLine: number) =>
  Array.from({ length: lines }, (_, l) => Array.from({ length: perLine }, (_, i) => d * 1000 + l * 10 + i).join(' ')).join('\n');

function corpusFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'wid-sop-'));
  writeFileSync(join(dir, 'c.txt'), text);
  return join(dir, 'c.txt');
}

/** Splits a row into its segments and checks the token types. */
function segments(r: PairRow): [number[], number[]] {
  assert.equal(r.ids[0], CLS);
  assert.equal(r.ids.at(-1), SEP);
  const sep = r.ids.indexOf(SEP);
  assert.ok(sep > 1 && sep < r.ids.length - 2, `two non-empty segments in ${r.ids}`);
  assert.deepEqual(r.tokenTypes, r.ids.map((_, i) => (i <= sep ? 0 : 1)), 'types 0 through the first [SEP], 1 after');
  return [r.ids.slice(1, sep), r.ids.slice(sep + 1, -1)];
}

test('a pair holds two consecutive segments of one document and its label says whether they were swapped', async () => {
  // documents of 2 to 6 lines of 3 tokens, separated by blank lines (one by two blank lines and spaces)
  const text = [doc(1, 2, 3), doc(2, 5, 3), doc(3, 3, 3), doc(4, 6, 3)].join('\n\n') + '\n \n\n' + doc(5, 4, 3) + '\n';
  const corpus = new LineCorpus(corpusFile(text));
  const b = new SentenceOrderBatcher(corpus, tokenizer, { seqLen: 12, batchSize: 8 }, new Rng(7));
  const counts = [0, 0];
  for (let batch = 0; batch < 25; batch++) {
    for (const r of await b.nextPairs()) {
      const [first, second] = segments(r);
      const docs = new Set([...first, ...second].map((t) => Math.floor(t / 1000)));
      assert.equal(docs.size, 1, `one document per pair: ${r.ids}`);
      // position of a token in its document: line·10 + i; in order ⇔ every token of the first segment comes earlier
      const pos = (t: number) => t % 1000;
      const inOrder = Math.max(...first.map(pos)) < Math.min(...second.map(pos));
      const swapped = Math.max(...second.map(pos)) < Math.min(...first.map(pos));
      assert.ok(inOrder !== swapped, `segments are disjoint and consecutive: ${r.ids}`);
      assert.equal(r.label, inOrder ? 0 : 1, `label 0 = in the document's order, 1 = swapped: ${r.ids} labelled ${r.label}`);
      // consecutive: no token of the document between the two segments (within one line's 3 tokens per line)
      const [lo, hi] = inOrder ? [first, second] : [second, first];
      const gap = Math.min(...hi.map(pos)) - Math.max(...lo.map(pos));
      assert.ok(gap === 1 || gap === 8, `no text skipped between A and B (gap ${gap}): ${r.ids}`);
      counts[r.label]++;
    }
  }
  await corpus.close();
  assert.ok(counts[0] > 70 && counts[1] > 70, `swapped with p = 0.5: ${counts}`);
});

test('the batcher resumes from its state to the same next pairs', async () => {
  const text = [doc(1, 4, 3), doc(2, 5, 2), doc(3, 3, 4)].join('\n\n') + '\n';
  const path = corpusFile(text);
  const shape = { seqLen: 10, batchSize: 3 };
  const c1 = new LineCorpus(path), rng1 = new Rng(3);
  const b1 = new SentenceOrderBatcher(c1, tokenizer, shape, rng1);
  await b1.nextPairs();
  const saved = { corpus: c1.position(), pairs: b1.state(), rng: rng1.getState() };
  const expected = [await b1.nextPairs(), await b1.nextPairs()];
  const c2 = new LineCorpus(path, saved.corpus), rng2 = new Rng(0);
  rng2.setState(saved.rng);
  const b2 = new SentenceOrderBatcher(c2, tokenizer, shape, rng2, saved.pairs);
  assert.deepEqual([await b2.nextPairs(), await b2.nextPairs()], expected);
  await Promise.all([c1.close(), c2.close()]);
});

test('a corpus has documents when a blank line separates text or it is several files; a pass without pairs is an error', async () => {
  assert.equal(await corpusHasDocuments(corpusFile(doc(1, 3, 2) + '\n\n' + doc(2, 2, 2))), true);
  assert.equal(await corpusHasDocuments(corpusFile('\n\n' + doc(1, 5, 2) + '\n\n\n')), false, 'blank lines only before and after the text');
  const dir = mkdtempSync(join(tmpdir(), 'wid-sop-dir-'));
  mkdirSync(join(dir, 'a'));
  writeFileSync(join(dir, 'a', '1.txt'), doc(1, 2, 2));
  writeFileSync(join(dir, '2.txt'), doc(2, 2, 2));
  assert.equal(await corpusHasDocuments(dir), true, 'each file is a document');
  // documents of one one-token line cannot give two segments
  const corpus = new LineCorpus(corpusFile('5\n\n6\n\n7\n'));
  await assert.rejects(new SentenceOrderBatcher(corpus, tokenizer, { seqLen: 8, batchSize: 1 }, new Rng(1)).nextPairs(), /no document gives two segments/);
  await corpus.close();
});
