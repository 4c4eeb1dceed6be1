// A full disk while writing a checkpoint: the error names the file and the cause, the previous checkpoint
// stays loadable, and no temp file is left. /dev/full (every write fails with ENOSPC) stands in for the disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { writeError } from '../../src-main/engine/checkpoint/write-error.js';
import { checkpointPath, readLatestCheckpoint, writeCheckpoint } from '../../src-main/engine/train/train-state.js';

test('a checkpoint that hits a full disk fails naming the file and the cause, and the previous one is kept', { skip: !existsSync('/dev/full') && 'no /dev/full' }, async () => {
  await selectBackend('wasm');
  const d = mkdtempSync(join(tmpdir(), 'wid-ckpt-full-'));
  const t = tf.tensor1d([1, 2, 3]);
  await writeCheckpoint(d, { step: 1, tensors: { t }, meta: { ok: 1 } });
  // the temp file the next write opens is a link to /dev/full
  const path = checkpointPath(d, 2);
  symlinkSync('/dev/full', `${path}.tmp-${process.pid}`);
  await assert.rejects(() => writeCheckpoint(d, { step: 2, tensors: { t }, meta: { ok: 2 } }),
    (err: Error) => {
      assert.match(err.message, new RegExp(`could not write the checkpoint ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the disk is full \\(ENOSPC\\)`));
      assert.match(err.message, /the previous checkpoint is kept: free space and resume the run/);
      return true;
    });
  assert.deepEqual(readdirSync(d), ['step-000000001.safetensors']);
  const latest = readLatestCheckpoint<{ ok: number }>(d)!;
  assert.equal(latest.step, 1);
  assert.deepEqual(latest.meta, { ok: 1 });
  tf.dispose([t, ...Object.values(latest.tensors)]);
});

test('write errors say the cause in words and keep the original error as the cause', () => {
  const ro = Object.assign(new Error('EROFS: read-only file system, open'), { code: 'EROFS' });
  const e = writeError(ro, 'folder', '/mnt/x/student', '/mnt/x/student is as it was');
  assert.equal(e.message, 'could not write the folder /mnt/x/student: the disk is read-only (EROFS); nothing was half-written, /mnt/x/student is as it was');
  assert.equal(e.code, 'EROFS');
  assert.equal(e.cause, ro);
  assert.match(writeError(new Error('boom'), 'checkpoint', '/a', 'kept').message, /: boom; nothing was half-written/);
});
