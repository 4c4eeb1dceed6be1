import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { listCheckpoints, readCheckpoint, readLatestCheckpoint, writeCheckpoint } from '../../src-main/engine/train/train-state.js';

const dir = () => mkdtempSync(join(tmpdir(), 'wid-ckpt-'));

test('a checkpoint round-trips tensors (float and int) and its JSON state', async () => {
  await selectBackend('wasm');
  const d = dir();
  const a = tf.tensor2d([[1.5, -2], [3, 4]]), b = tf.tensor1d([7, 8, 9], 'int32');
  await writeCheckpoint(d, { step: 12, tensors: { 'param/a': a, 'method/b': b }, meta: { rng: 42, batcher: { pendingTokens: [5, 6] } } });
  const back = readCheckpoint<{ rng: number; batcher: { pendingTokens: number[] } }>(listCheckpoints(d)[0].path);
  assert.equal(back.step, 12);
  assert.deepEqual(back.meta, { rng: 42, batcher: { pendingTokens: [5, 6] } });
  assert.deepEqual(await back.tensors['param/a'].array(), [[1.5, -2], [3, 4]]);
  assert.equal(back.tensors['method/b'].dtype, 'int32');
  assert.deepEqual(await back.tensors['method/b'].array(), [7, 8, 9]);
  tf.dispose([a, b, ...Object.values(back.tensors)]);
});

test('only the newest checkpoints are kept', async () => {
  await selectBackend('wasm');
  const d = dir();
  const t = tf.scalar(1);
  for (const step of [5, 10, 15, 20]) await writeCheckpoint(d, { step, tensors: { t }, meta: {} }, 2);
  assert.deepEqual(listCheckpoints(d).map((c) => c.step), [15, 20]);
  t.dispose();
});

test('a write that fails midway leaves the previous checkpoint as the latest valid one', async () => {
  await selectBackend('wasm');
  const d = dir();
  const good = tf.scalar(3);
  await writeCheckpoint(d, { step: 1, tensors: { x: good }, meta: { ok: true } });
  const gone = tf.scalar(4);
  gone.dispose(); // reading it fails while the checkpoint is being assembled
  await assert.rejects(() => writeCheckpoint(d, { step: 2, tensors: { x: good, y: gone }, meta: {} }), /disposed/);
  // a temp file left by a crash during the write itself is never taken for a checkpoint
  writeFileSync(join(d, 'step-000000003.safetensors.tmp-999'), Buffer.alloc(100));
  const latest = readLatestCheckpoint<{ ok: boolean }>(d)!;
  assert.equal(latest.step, 1);
  assert.deepEqual(latest.meta, { ok: true });
  assert.ok(!readdirSync(d).some((n) => n.includes(`tmp-${process.pid}`)));
  tf.dispose([good, ...Object.values(latest.tensors)]);
});

test('a truncated checkpoint is an error naming the file', async () => {
  await selectBackend('wasm');
  const d = dir();
  const t = tf.ones([64]);
  const path = await writeCheckpoint(d, { step: 7, tensors: { t }, meta: {} });
  const bytes = readFileSync(path);
  writeFileSync(path, bytes.subarray(0, bytes.length - 40));
  assert.throws(() => readCheckpoint(path), (err: Error) => err.message.includes(path) && /truncated/.test(err.message));
  writeFileSync(path, 'not a checkpoint at all');
  assert.throws(() => readCheckpoint(path), (err: Error) => err.message.includes(path));
  t.dispose();
});
