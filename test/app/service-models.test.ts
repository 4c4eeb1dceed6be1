// Service: registering models, the smoke test, student export and attention maps on a real tiny BERT.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createService } from '../../src-main/app/service/index.js';
import type { Service } from '../../src-main/app/service/contract.js';
import { tempHome } from './support/runner-harness.js';
import { bertConfigFromHf, parameterCount } from '../../src-main/engine/bert/index.js';
import { writeAttentionArtifact, type AttentionArtifact } from '../../src-main/engine/methods/wid/attention-artifact.js';

const TINY = resolve('test/fixtures/bert/tiny-teacher');
process.env.WID_BACKEND = 'wasm'; // worker processes inherit it

async function service(t: Parameters<typeof tempHome>[0]): Promise<Service> {
  const s = await createService({ home: tempHome(t), mode: 'cli', startRunner: false });
  t.after(() => s.close());
  return s;
}

test('models.register stores the HF config, the parameter count from the safetensors header and the folder size', async (t) => {
  const s = await service(t);
  const m = await s.call('models.register', { path: TINY, name: 'tiny' });
  assert.equal(m.kind, 'teacher');
  assert.equal(m.config.hidden_size, 64);
  // the fixture is a BertForMaskedLM with the decoder tied to the word embeddings: counted once, as transformers does
  assert.equal(m.parameterCount, parameterCount(bertConfigFromHf(m.config), { mlmHead: true }));
  assert.ok((m.fileSize ?? 0) > (m.parameterCount ?? 0) * 4 - 1);
  assert.deepEqual((await s.call('models.list', { kind: 'student' })), []);
});

test('a folder whose model.safetensors is not safetensors is a bad_request naming the file', async (t) => {
  const s = await service(t);
  const dir = join(tempHome(t), 'broken');
  mkdirSync(dir);
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'bert', vocab_size: 10, hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 16 }));
  writeFileSync(join(dir, 'model.safetensors'), 'not a checkpoint');
  await assert.rejects(s.call('models.register', { path: dir }), /model\.safetensors/);
  assert.deepEqual(await s.call('models.list', {}), []);
});

test('models.smokeTest loads the model in a worker process and runs one forward pass', async (t) => {
  const s = await service(t);
  const m = await s.call('models.register', { path: TINY });
  const r = await s.call('models.smokeTest', { id: m.id, text: 'hello world' });
  assert.equal(r.ok, true);
  assert.equal(r.backend, 'wasm');
  assert.equal(r.outputShape.length, 3);
  assert.equal(r.outputShape[0], 1);
  assert.equal(r.outputShape[2], 64);
});

test('an ALBERT and a MobileBERT checkpoint register with their family\'s parameter count and pass the smoke test', async (t) => {
  const s = await service(t);
  for (const dir of ['test/fixtures/albert-shared', 'test/fixtures/mobilebert-nonorm']) {
    const m = await s.call('models.register', { path: resolve(dir) });
    assert.ok((m.parameterCount ?? 0) > 0);
    const r = await s.call('models.smokeTest', { id: m.id, text: 'hello world' });
    assert.equal(r.ok, true, dir);
    assert.deepEqual([r.outputShape[0], r.outputShape[2]], [1, 64], dir);
  }
});

test('a run without a student artifact cannot be exported; one with a student is copied whole into an empty folder', async (t) => {
  const s = await service(t);
  const run = await s.call('runs.create', { method: 'selftest', config: {} });
  const out = join(tempHome(t), 'export');
  await assert.rejects(s.call('runs.exportStudent', { id: run.id, dir: out }), /has no student artifact/);
  assert.equal(existsSync(out), false);
  // what a distillation job reports when it has written its student
  const store = (await import('../../src-main/app/store/index.js')).openStore(s.dataDir);
  store.artifacts.insert({ runId: run.id, kind: 'student', path: TINY, size: 1, sha256: 'x' });
  store.close();
  const res = await s.call('runs.exportStudent', { id: run.id, dir: out });
  assert.equal(res.path, out);
  assert.deepEqual(res.files, readdirSync(TINY).sort());
  await assert.rejects(s.call('runs.exportStudent', { id: run.id, dir: out }), /not empty/);
});

test('runs.attention gives row-stochastic teacher and student maps for the requested layer and head', async (t) => {
  const s = await service(t);
  const teacher = await s.call('models.register', { path: TINY });
  const run = await s.call('runs.create', { method: 'selftest', config: { teacherModelId: teacher.id } });
  assert.equal(run.config.teacherPath, TINY);
  const store = (await import('../../src-main/app/store/index.js')).openStore(s.dataDir);
  store.artifacts.insert({ runId: run.id, kind: 'student', path: TINY, size: 1, sha256: 'x' });
  store.close();
  const maps = await s.call('runs.attention', { id: run.id, layer: 1, head: 2, text: 'the cat sat' });
  assert.deepEqual(maps.layers, { teacher: 1, student: 1 });
  assert.deepEqual(maps.heads, { teacher: 2, student: 2 });
  assert.equal(maps.tokens[0], '[CLS]');
  assert.equal(maps.student.length, maps.tokens.length);
  for (const row of maps.teacher) assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-4);
  // same weights on both sides here, so the maps agree
  assert.ok(Math.abs(maps.teacher[1][1] - maps.student[1][1]) < 1e-5);
  await assert.rejects(s.call('runs.attention', { id: run.id, layer: 5, head: 0 }), /layer: the student has 2 layers/);
});

test('runs.attention answers from the run\'s WID attention artifact, with the head the student inherited', async (t) => {
  const s = await service(t);
  const run = await s.call('runs.create', { method: 'selftest', config: {} });
  const rows = (p: number) => [[p, 1 - p, 0], [0.5, 0.5, 0], [0, 0, 1]];
  const artifact: AttentionArtifact = {
    version: 1, teacher: { layers: 4, heads: 4 }, student: { layers: 1, heads: 2 },
    layerMap: [3], headMap: [[2, 0]],
    distance: { metric: 'jensen-shannon', perHead: [[0.1, 0.2]], perLayer: [0.15], mean: 0.15 },
    sentences: [{ text: 'a b', tokens: ['[CLS]', 'a', '[SEP]'], teacher: [[rows(0.9), rows(0.8)]], student: [[rows(0.7), rows(0.6)]] }],
  };
  mkdirSync(join(s.dataDir, 'runs', String(run.id)), { recursive: true });
  writeAttentionArtifact(join(s.dataDir, 'runs', String(run.id), 'attention.json'), artifact);
  const maps = await s.call('runs.attention', { id: run.id, layer: 0, head: 0 });
  assert.deepEqual(maps.layers, { teacher: 3, student: 0 });
  assert.deepEqual(maps.heads, { teacher: 2, student: 0 });
  assert.deepEqual(maps.tokens, ['[CLS]', 'a', '[SEP]']);
  assert.deepEqual(maps.student, rows(0.7));
  assert.deepEqual(maps.teacher, rows(0.9));
  await assert.rejects(s.call('runs.attention', { id: run.id, layer: 0, head: 5 }), /head must be an integer in \[0, 1\]/);
});

test('a checkpoint whose tensors do not match its config.json is a bad_request naming tensor and shapes', async (t) => {
  const s = await service(t);
  const dir = join(tempHome(t), 'mismatch');
  cpSync(TINY, dir, { recursive: true });
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, intermediate_size: 256 }));
  await assert.rejects(s.call('models.register', { path: dir }), /intermediate\.dense\.weight" has shape \[128, 64\] but config\.json implies \[256, 64\]/);
  assert.deepEqual(await s.call('models.list', {}), []);
});
