// Issue 15 item 7: a binary file registered as a corpus, and GLUE TSV bytes that are not UTF-8 (silently read
// as U+FFFD before), get a warning naming file and line, stored with the dataset's stats.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { datasetStats } from '../../src-main/engine/datasets/dataset-stats.js';
import { loadGlueSplit } from '../../src-main/engine/glue/tsv-loader.js';
import { tempHome } from './support/runner-harness.js';

const GLUE = resolve('test/fixtures/glue');
const CORPUS = resolve('test/fixtures/corpus/pride-and-prejudice.txt');

test('a binary file registered as a corpus is counted but warned about, naming file and line', (t) => {
  const file = join(tempHome(t), 'model.txt');
  writeFileSync(file, Buffer.concat([Buffer.from('header line\nsecond\n'), Buffer.from([0, 1, 2, 0xff, 0xfe])]));
  const stats = datasetStats('corpus', file) as { files: number; warnings?: string[] };
  assert.equal(stats.files, 1);
  assert.deepEqual(stats.warnings, [`${file}:3: NUL byte: this looks like a binary file, not text (one document or sentence per line)`]);
  const latin1 = join(tempHome(t), 'latin1.txt');
  writeFileSync(latin1, Buffer.from('plain\ncaf\xe9 au lait\n', 'latin1'));
  assert.match((datasetStats('corpus', latin1) as { warnings: string[] }).warnings[0]!, new RegExp(`^${latin1}:2: bytes that are not UTF-8`));
});

test('a UTF-8 corpus gets no warning', () => {
  assert.equal((datasetStats('corpus', CORPUS) as { warnings?: string[] }).warnings, undefined);
});

test('GLUE TSV bytes that are not UTF-8 are loaded as U+FFFD with a warning naming file and line', (t) => {
  const root = join(tempHome(t), 'glue');
  cpSync(GLUE, root, { recursive: true });
  const train = join(root, 'SST-2', 'train.tsv');
  const lines = readFileSync(train, 'utf8').split('\n');
  const head = Buffer.from(`${lines.slice(0, 2).join('\n')}\n`, 'utf8');
  const tail = Buffer.from(`\n${lines.slice(2).join('\n')}`, 'utf8');
  writeFileSync(train, Buffer.concat([head, Buffer.from('caf\xe9 au lait\t1', 'latin1'), tail]));
  const [split] = loadGlueSplit(root, 'SST-2', 'train');
  assert.deepEqual(split!.warnings, [`${train}:3: bytes that are not UTF-8 were replaced by U+FFFD (1 line); save the file as UTF-8`]);
  assert.equal(split!.examples.find((e) => e.line === 3)?.textA, 'caf\uFFFD au lait');
  const stats = datasetStats('glue', root) as { warnings?: string[] };
  assert.deepEqual(stats.warnings, split!.warnings);
  assert.equal(loadGlueSplit(GLUE, 'SST-2', 'train')[0]!.warnings, undefined);
});
