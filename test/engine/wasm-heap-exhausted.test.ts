// The wasm backend's heap is one 32-bit WebAssembly memory (at most 4 GiB): a job that needs more fails inside a
// kernel with "RuntimeError: memory access out of bounds" (seen with WID on the 4L-512H teacher). The run's error
// must say what happened and what to do, not only that.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { explainBackendError, selectBackend } from '../../src-main/engine/backend/index.js';

test('exhausting the wasm heap gives an error naming the 4 GiB heap and the backends to use instead', { timeout: 120_000 }, async () => {
  await selectBackend('wasm');
  const held: tf.Tensor[] = [];
  let failure: unknown = null;
  try {
    for (let i = 0; i < 8 && failure === null; i++) {
      try { held.push(tf.fill([2 ** 28], 1)); } catch (e) { failure = e; } // 1 GiB each
    }
  } finally {
    for (const t of held) t.dispose();
  }
  assert.ok(failure instanceof Error, 'eight 1 GiB tensors do not fit a 4 GiB heap');
  const explained = explainBackendError(failure, 'wasm') as Error;
  assert.match(explained.message, /^the wasm backend ran out of memory: its heap is one WebAssembly memory of at most 4 GiB \(\d+ MiB in use when it failed\)/);
  assert.match(explained.message, /webgpu or tensorflow backend/);
  assert.ok(explained.message.includes((failure as Error).message), 'the original message is kept');
  assert.equal(explainBackendError(failure, 'webgpu'), failure, 'only the wasm heap is explained so');
  const xnn = explainBackendError(new Error('Aborted(). Build with -sASSERTIONS for more info.'), 'wasm') as Error;
  assert.match(xnn.message, /^the wasm backend ran out of memory/, "XNNPACK's failed allocation aborts the module");
  const other = new Error('ENOENT: no such file');
  assert.equal(explainBackendError(other, 'wasm'), other);
});
