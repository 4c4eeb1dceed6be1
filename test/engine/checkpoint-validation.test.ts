// Issue 26: a checkpoint is validated completely before use. Every tensor's byte range lies inside the data
// section, no two tensors share bytes, the length is dtype size x shape, and the shards of an index lie inside
// the model folder; a file whose tensors all point at byte 0 is refused (registration: test/app/hostile-files.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadHfModel, parseSafetensors } from '../../src-main/engine/checkpoint/index.js';
import { shardFiles } from '../../src-main/engine/checkpoint/shard-index.js';
import { allAtByteZero, hugeHeaderLength, modelFolder, rangePastTheEnd, safetensorsBytes } from '../app/support/hostile-files.js';
import { tempHome } from '../app/support/runner-harness.js';

const f32 = (shape: number[], begin: number) => ({ dtype: 'F32', shape, data_offsets: [begin, begin + 4 * shape.reduce((a, b) => a * b, 1)] });

test('a file whose tensors all point at byte 0 is refused naming two tensors that share bytes', () => {
  assert.throws(() => parseSafetensors(allAtByteZero(), 'zero.safetensors'),
    /zero\.safetensors: tensors "[^"]+" \[0, \d+\] and "[^"]+" \[0, \d+\] overlap; expected every tensor to have its own bytes/);
});

test('two tensors whose ranges overlap partly are refused', () => {
  const bytes = safetensorsBytes({ a: f32([4], 0), b: f32([4], 8) }, Buffer.alloc(24));
  assert.throws(() => parseSafetensors(bytes, 'f'), /tensors "a" \[0, 16\] and "b" \[8, 24\] overlap/);
});

test('a tensor range past the end of the data section is refused naming the tensor and the bytes', () => {
  assert.throws(() => parseSafetensors(rangePastTheEnd(), 'past.safetensors'), /past\.safetensors is truncated: tensor "[^"]+" needs file bytes \d+\.\.\d+ but the file ends at byte \d+/);
});

test('shapes and offsets that are not non-negative integers are refused', () => {
  const data = Buffer.alloc(16);
  assert.throws(() => parseSafetensors(safetensorsBytes({ a: { dtype: 'F32', shape: [-4], data_offsets: [0, 16] } }, data), 'f'), /tensor "a" has shape \[-4\]; expected non-negative integers/);
  assert.throws(() => parseSafetensors(safetensorsBytes({ a: { dtype: 'F32', shape: [2.5], data_offsets: [0, 10] } }, data), 'f'), /tensor "a" has shape \[2\.5\]/);
  assert.throws(() => parseSafetensors(safetensorsBytes({ a: { dtype: 'F32', shape: [4], data_offsets: [-16, 0] } }, data), 'f'), /tensor "a" has data_offsets \[-16,0\]; expected \[begin, end\]/);
  assert.throws(() => parseSafetensors(safetensorsBytes({ a: { dtype: 'F32', shape: [4], data_offsets: [16, 0] } }, data), 'f'), /needs 16 bytes but its data_offsets \[16, 0\] span -16/);
  assert.throws(() => parseSafetensors(safetensorsBytes({ a: { dtype: 'Q4', shape: [4], data_offsets: [0, 16] } }, data), 'f'), /header entry for tensor "a" must have dtype/);
});

test('a header length larger than the file is refused before anything is allocated for it', () => {
  assert.throws(() => parseSafetensors(hugeHeaderLength(), 'h'), /h is truncated or not safetensors: header claims bytes 8\.\.1099511627784 but the file has only 10 bytes/);
});

test('a shard index naming a file outside the model folder is refused', () => {
  const index = (file: string) => JSON.stringify({ weight_map: { 'bert.embeddings.word_embeddings.weight': file } });
  assert.throws(() => shardFiles('/m', index('../other/model.safetensors'), '/m/model.safetensors.index.json'),
    /weight_map\["bert\.embeddings\.word_embeddings\.weight"\] names "\.\.\/other\/model\.safetensors", outside the model folder/);
  assert.throws(() => shardFiles('/m', index('/etc/passwd'), 'i'), /names "\/etc\/passwd", outside the model folder/);
  assert.throws(() => shardFiles('/m', JSON.stringify({ weight_map: { w: 7 } }), 'i'), /weight_map\["w"\] is 7; expected the name of a shard file/);
  assert.deepEqual(shardFiles('/m', JSON.stringify({ weight_map: { a: 'x-1.safetensors', b: 'x-1.safetensors', c: 'sub/x-2.safetensors' } }), 'i'),
    ['/m/x-1.safetensors', '/m/sub/x-2.safetensors']);
});

test('loading a model whose tensors all point at byte 0 fails before any tensor is made', async (t) => {
  const dir = modelFolder(join(tempHome(t), 'zero'), allAtByteZero());
  await assert.rejects(loadHfModel(dir), /model\.safetensors: tensors "[^"]+" \[0, \d+\] and "[^"]+" \[0, \d+\] overlap/);
});

test('loading a sharded model whose index points outside its folder fails naming the index entry', async (t) => {
  const home = tempHome(t);
  const dir = modelFolder(join(home, 'sharded'));
  mkdirSync(join(home, 'other'));
  writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { 'bert.pooler.dense.weight': '../other/model.safetensors' } }));
  rmSync(join(dir, 'model.safetensors'));
  await assert.rejects(loadHfModel(dir), /outside the model folder/);
});
