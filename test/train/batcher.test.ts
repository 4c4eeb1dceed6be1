import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { LineCorpus } from '../../src-main/engine/train/corpus.js';
import { MlmBatcher, makeMlmBatch, disposeMlmBatch } from '../../src-main/engine/train/batcher.js';
import { Rng } from '../../src-main/engine/train/rng.js';
import { wordTokenizer } from './support/word-tokenizer.js';

const FIXTURE = new URL('../fixtures/corpus/pride-and-prejudice.txt', import.meta.url).pathname;
const tok = wordTokenizer(64);

test('rows start with [CLS], end with [SEP], never exceed seqLen, and keep every token of the text', async () => {
  const p = join(mkdtempSync(join(tmpdir(), 'wid-batch-')), 'c.txt');
  const lines = ['a b c', 'd e', 'f g h i j k l m n o p q r s t', 'u'];
  writeFileSync(p, lines.join('\n') + '\n');
  const b = new MlmBatcher(new LineCorpus(p), tok, { seqLen: 8, batchSize: 4 });
  const rows = await b.nextRows();
  assert.equal(rows.length, 4);
  for (const r of rows) {
    assert.ok(r.length <= 8);
    assert.equal(r[0], tok.clsTokenId);
    assert.equal(r[r.length - 1], tok.sepTokenId);
  }
  // content of the rows, with the [SEP]s between packed lines, equals the token stream of the lines
  const content = rows.flatMap((r) => r.slice(1, -1)).filter((id) => id !== tok.sepTokenId);
  const stream = lines.flatMap((l) => tok.encode(l));
  assert.deepEqual(content, stream.slice(0, content.length));
  // "a b c" + [SEP] + "d e" fill the first row of 6 content tokens
  assert.deepEqual(rows[0], [tok.clsTokenId, ...tok.encode('a b c'), tok.sepTokenId, ...tok.encode('d e'), tok.sepTokenId]);
});

test('a token budget bounds rows x padded length', async () => {
  const b = new MlmBatcher(new LineCorpus(FIXTURE), tok, { seqLen: 32, batchTokens: 200 });
  for (let i = 0; i < 20; i++) {
    const rows = await b.nextRows();
    const width = Math.max(...rows.map((r) => r.length));
    assert.ok(rows.length * width <= 200, `batch ${i}: ${rows.length} x ${width}`);
    assert.ok(rows.length >= 6, `batch ${i}: only ${rows.length} rows`);
  }
});

test('mlm batch tensors are padded to the longest row with a matching attention mask', async () => {
  await selectBackend('wasm');
  const rows = [[2, 10, 11, 3], [2, 12, 3]];
  const before = tf.memory().numTensors;
  const { batch, tokens } = makeMlmBatch(rows, tok, new Rng(1));
  assert.equal(tokens, 7);
  assert.deepEqual(batch.inputIds.shape, [2, 4]);
  assert.equal(batch.inputIds.dtype, 'int32');
  assert.deepEqual(await batch.attentionMask.array(), [[1, 1, 1, 1], [1, 1, 1, 0]]);
  assert.equal((await batch.inputIds.array())[1][3], tok.padTokenId);
  const labels = (await batch.labels.array()).flat();
  assert.ok(labels.some((l) => l !== -100));
  disposeMlmBatch(batch);
  assert.equal(tf.memory().numTensors, before);
});

test('a batcher resumed from its saved state produces the same next batches', async () => {
  const a = new MlmBatcher(new LineCorpus(FIXTURE), tok, { seqLen: 24, batchTokens: 100 });
  for (let i = 0; i < 7; i++) await a.nextRows();
  const saved = a.state();
  const expected = [await a.nextRows(), await a.nextRows(), await a.nextRows()];
  const b = new MlmBatcher(new LineCorpus(FIXTURE, saved.corpus), tok, { seqLen: 24, batchTokens: 100 }, saved);
  assert.deepEqual([await b.nextRows(), await b.nextRows(), await b.nextRows()], expected);
});

test('impossible batch shapes are rejected naming the field', () => {
  const c = new LineCorpus(FIXTURE);
  assert.throws(() => new MlmBatcher(c, tok, { seqLen: 2, batchSize: 1 }), /seqLen/);
  assert.throws(() => new MlmBatcher(c, tok, { seqLen: 16 }), /batchSize or batchTokens/);
  assert.throws(() => new MlmBatcher(c, tok, { seqLen: 16, batchTokens: 8 }), /batchTokens must be an integer >= seqLen/);
});

test('padding to seqLen gives every batch the same shape and the token budget counts the padded length', async () => {
  await selectBackend('wasm');
  const b = new MlmBatcher(new LineCorpus(FIXTURE), tok, { seqLen: 40, batchTokens: 200, padTo: 'seqLen' });
  for (let i = 0; i < 5; i++) {
    const rows = await b.nextRows();
    assert.equal(rows.length, 5); // 5 x 40 = 200
    const { batch } = makeMlmBatch(rows, tok, new Rng(i), 0.15, 40);
    assert.deepEqual(batch.inputIds.shape, [5, 40]);
    disposeMlmBatch(batch);
  }
  assert.throws(() => makeMlmBatch([[2, 9, 9, 3]], tok, new Rng(1), 0.15, 3), /padTo 3 is shorter than the longest row \(4\)/);
});
