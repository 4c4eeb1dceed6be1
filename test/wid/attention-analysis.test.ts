import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { disposeWeights } from '../../src-main/engine/bert/index.js';
import { loadHfModel, type LoadedHfModel } from '../../src-main/engine/checkpoint/index.js';
import { analyzeAttention, defaultLayerMap } from '../../src-main/engine/methods/wid/attention-analysis.js';
import { attentionMapsFromArtifact, readAttentionArtifact, writeAttentionArtifact } from '../../src-main/engine/methods/wid/attention-artifact.js';
import { createWidMethod } from '../../src-main/engine/methods/wid/index.js';

const TINY_TEACHER = new URL('../fixtures/bert/tiny-teacher', import.meta.url).pathname;
const SENTENCES = ['It is a truth universally acknowledged.', 'She was the youngest of the two sisters, and her mother was fond of her.'];

let teacher: LoadedHfModel;
before(async () => {
  await selectBackend('wasm');
  teacher = await loadHfModel(TINY_TEACHER);
});
after(() => disposeWeights(teacher.weights));

test('a model compared with itself has zero attention distance; swapped heads do not', async () => {
  // the fixture is a random init whose heads all attend almost uniformly: sharpen Q and K so heads differ
  const weights = { ...teacher.weights };
  for (const name of Object.keys(weights)) if (/attention\.self\.(query|key)\.weight$/.test(name)) weights[name] = tf.mul(weights[name], 12);
  const t = { config: teacher.config, weights };
  const same = await analyzeAttention({ teacher: t, student: t, tokenizer: teacher.tokenizer!, sentences: SENTENCES });
  for (const row of same.distance.perHead) for (const d of row) assert.ok(d < 1e-6, `distance ${d}`);
  const swapped = await analyzeAttention({ teacher: t, student: t, tokenizer: teacher.tokenizer!, sentences: SENTENCES, headMap: [[1, 0, 3, 2], [1, 0, 3, 2]] });
  assert.ok(swapped.distance.mean > 1e-2, `swapped heads: mean distance ${swapped.distance.mean}`);
  for (const row of swapped.distance.perHead) for (const d of row) assert.ok(d <= Math.LN2 + 1e-6);
  // maps are per real token, rows are distributions
  const s = same.sentences[0];
  assert.equal(s.tokens[0], '[CLS]');
  assert.equal(s.tokens[s.tokens.length - 1], '[SEP]');
  assert.equal(s.student[1][2].length, s.tokens.length);
  for (const row of s.student[1][2]) assert.ok(Math.abs(row.reduce((a, x) => a + x, 0) - 1) < 1e-3);
  for (const name of Object.keys(weights)) if (weights[name] !== teacher.weights[name]) weights[name].dispose();
});

test('a WID student is compared head by head with the teacher heads it kept, and the artifact serves runs.attention', async () => {
  const m = createWidMethod({ config: teacher.config, weights: teacher.weights }, { target: { hidden: 32, heads: 2, intermediate: 64 }, attentionStrategy: 'head', variablePrefix: 'wid-att/' });
  await m.afterStepAsync(9, 10);
  const student = m.exportStudent();
  const headMap = m.masks().heads;
  const tensorsBefore = tf.memory().numTensors;
  const a = await analyzeAttention({ teacher, student, tokenizer: teacher.tokenizer!, sentences: SENTENCES, headMap });
  assert.deepEqual(a.headMap, headMap);
  assert.deepEqual(a.student, { layers: 2, heads: 2 });
  assert.equal(a.distance.perHead[0].length, 2);
  const path = join(mkdtempSync(join(tmpdir(), 'wid-att-')), 'attention.json');
  writeAttentionArtifact(path, a);
  const back = readAttentionArtifact(path);
  const maps = attentionMapsFromArtifact(back, { layer: 1, head: 1, text: SENTENCES[1] });
  assert.deepEqual(maps.heads, { teacher: headMap[1][1], student: 1 });
  assert.equal(maps.tokens.length, back.sentences[1].tokens.length);
  assert.deepEqual(maps.student, back.sentences[1].student[1][1]);
  assert.throws(() => attentionMapsFromArtifact(back, { layer: 2, head: 0 }), /layer must be an integer in \[0, 1\]/);
  assert.throws(() => attentionMapsFromArtifact(back, { layer: 0, head: 2 }), /head must be an integer in \[0, 1\]/);
  // the job's hook writes the same comparison next to the run
  const dir = mkdtempSync(join(tmpdir(), 'wid-att-run-'));
  const written = await m.writeArtifacts(dir, { tokenizer: teacher.tokenizer!, sentences: SENTENCES });
  assert.deepEqual(written, [{ kind: 'attention', path: join(dir, 'attention.json') }]);
  assert.deepEqual(readAttentionArtifact(written[0].path).distance, a.distance);
  assert.equal(tf.memory().numTensors, tensorsBefore, 'the analysis leaves no tensors behind');
  disposeWeights(student.weights);
  m.dispose();
});

test('different depths map student layers uniformly onto teacher layers', () => {
  assert.deepEqual(defaultLayerMap(4, 12), [2, 5, 8, 11]);
  assert.deepEqual(defaultLayerMap(6, 12), [1, 3, 5, 7, 9, 11]);
});
