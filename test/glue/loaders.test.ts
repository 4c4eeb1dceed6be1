import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadGlueSplit, parseGlueTsv, scanGlueFolder, GlueFormatError } from '../../src-main/engine/glue/tsv-loader.js';

const fixtures = fileURLToPath(new URL('../fixtures/glue/', import.meta.url));

test('SST-2 fixture (real rows, original sentence/label layout) loads with binary labels', () => {
  const [train] = loadGlueSplit(fixtures, 'SST-2', 'train');
  assert.equal(train.examples.length, 400);
  assert.equal(train.examples[0].textA, 'hide new secretions from the parental units');
  assert.equal(train.examples[0].label, 0);
  assert.equal(train.examples[0].line, 2);
  assert.ok(train.examples.every((e) => (e.label === 0 || e.label === 1) && e.textB === undefined));
});

test('RTE fixture loads sentence pairs with entailment = 0, not_entailment = 1', () => {
  const [dev] = loadGlueSplit(fixtures, 'RTE', 'dev');
  assert.equal(dev.examples.length, 100);
  assert.match(dev.examples[0].textB!, /Lufthansa Technik Automotive fires 30 workers/);
  assert.equal(dev.examples[0].label, 1);
});

test('WNLI fixture keeps embedded double quotes as text (quoting is off)', () => {
  const [train] = loadGlueSplit(fixtures, 'WNLI', 'train');
  assert.equal(train.examples.length, 200);
  assert.ok(train.examples.some((e) => e.textA.includes('"')), 'some WNLI sentence contains a quote character');
});

test('CoLA has no header: label in column 2, sentence in column 4', () => {
  const s = parseGlueTsv('CoLA', 'CoLA/dev.tsv', 'gj04\t1\t\tThe sailors rode the breeze clear of the rocks.\ngj04\t0\t*\tThe more you eat, the most you want.\n');
  assert.deepEqual(s.examples.map((e) => [e.textA, e.label]), [['The sailors rode the breeze clear of the rocks.', 1], ['The more you eat, the most you want.', 0]]);
});

test('MRPC reads its BOM-prefixed header and "#1 String"/"#2 String" columns', () => {
  const s = parseGlueTsv('MRPC', 'MRPC/dev.tsv', '\ufeffQuality\t#1 ID\t#2 ID\t#1 String\t#2 String\n1\t1355540\t1355592\tHe said "the food.\tThe food.\n');
  assert.deepEqual(s.examples[0], { textA: 'He said "the food.', textB: 'The food.', label: 1, line: 2 });
});

test('STS-B labels are the float similarity scores', () => {
  const header = 'index\tgenre\tfilename\tyear\told_index\tsource1\tsource2\tsentence1\tsentence2\tscore';
  const s = parseGlueTsv('STS-B', 'STS-B/dev.tsv', `${header}\n0\tmain-captions\tMSRvid\t2012test\t0000\tnone\tnone\tA man with a hard hat is dancing.\tA man wearing a hard hat is dancing.\t5.000\n`);
  assert.equal(s.examples[0].label, 5);
});

test('QQP, QNLI and MNLI find their columns by header name', () => {
  const qqp = parseGlueTsv('QQP', 'QQP/dev.tsv', 'id\tqid1\tqid2\tquestion1\tquestion2\tis_duplicate\n1\t2\t3\tHow?\tWhy?\t1\n');
  assert.deepEqual([qqp.examples[0].textA, qqp.examples[0].textB, qqp.examples[0].label], ['How?', 'Why?', 1]);
  const qnli = parseGlueTsv('QNLI', 'QNLI/dev.tsv', 'index\tquestion\tsentence\tlabel\n0\tWho?\tHim.\tnot_entailment\n');
  assert.equal(qnli.examples[0].label, 1);
  const cols = ['index', 'promptID', 'pairID', 'genre', 'sentence1_binary_parse', 'sentence2_binary_parse', 'sentence1_parse', 'sentence2_parse', 'sentence1', 'sentence2', 'label1', 'label2', 'label3', 'label4', 'label5', 'gold_label'];
  const row = ['0', '1', '1e', 'slate', '(a)', '(b)', '(A)', '(B)', 'Premise.', 'Hypothesis.', 'neutral', 'neutral', 'neutral', 'neutral', 'neutral', 'neutral'];
  const mnli = parseGlueTsv('MNLI', 'MNLI/dev_matched.tsv', `${cols.join('\t')}\n${row.join('\t')}\n`, 'MNLI-m');
  assert.deepEqual([mnli.examples[0].textA, mnli.examples[0].textB, mnli.examples[0].label], ['Premise.', 'Hypothesis.', 2]);
});

test('a row with a missing column is an error naming file and line', () => {
  const text = 'index\tsentence1\tsentence2\tlabel\n0\ta\tb\tentailment\n1\ta only\tentailment\n';
  assert.throws(() => parseGlueTsv('RTE', 'RTE/train.tsv', text), (e: unknown) => e instanceof GlueFormatError && e.file === 'RTE/train.tsv' && e.line === 3 && /RTE\/train\.tsv:3/.test(e.message));
});

test('an unknown label is an error naming file, line and the expected labels', () => {
  const text = 'sentence\tlabel\ngood\t1\nbad\tnegative\n';
  assert.throws(() => parseGlueTsv('SST-2', 'SST-2/dev.tsv', text), /SST-2\/dev\.tsv:3: SST-2 label "negative" is not one of 0, 1/);
});

test('a header without the task\'s columns is an error listing the header found', () => {
  assert.throws(() => parseGlueTsv('RTE', 'RTE/dev.tsv', 'a\tb\n1\t2\n'), /RTE\/dev\.tsv:1: header has no "sentence1" column/);
});

test('scanning the fixture folder lists the tasks present with train/dev row counts', () => {
  const found = scanGlueFolder(fixtures);
  assert.deepEqual(found['SST-2'], { train: 400, dev: 200 });
  assert.deepEqual(found['RTE'], { train: 300, dev: 100 });
  assert.equal(found['CoLA'], undefined);
});
