// Issue 26: hostile files, not only hostile requests (the sibling of web-api-fuzz.test.ts). A model folder or
// corpus holding a FIFO, a link to /dev/zero, a sparse giant, a lying safetensors header or a 50 MB line is
// refused (400/413) or answered in bounded time and bytes, by a web-mode server in its own process that keeps
// answering everyone else meanwhile. Before the fix a FIFO froze the server and a 3 GB stray file made a 500.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src-main/app/store/index.js';
import { allAtByteZero, fifo, hugeHeaderLength, linkTo, modelFolder, rangePastTheEnd, sparse } from './support/hostile-files.js';
import { startServeProcess, type ServeProcess } from './support/serve-process.js';

const dir = mkdtempSync(join(tmpdir(), 'wid-hostile-'));
const home = join(dir, 'home');
const GiB = 1024 ** 3;
/** A refusal or a bounded answer comes this fast; the server answers system.info this fast meanwhile. */
const QUICK_MS = 3000;
let server: ServeProcess;
const datasetIds: Record<string, number> = {};

before(async () => {
  mkdirSync(home);
  const corpora = join(dir, 'corpora');
  mkdirSync(corpora);
  // one 50 MB line, then a short one
  writeFileSync(join(corpora, 'long-line.txt'), `${'a'.repeat(50 * 1024 * 1024)}\nshort\n`);
  writeFileSync(join(corpora, 'swapped.txt'), 'a line\n');
  const store = openStore(home);
  datasetIds.long = store.datasets.insert({ name: 'long', kind: 'corpus', path: join(corpora, 'long-line.txt'), stats: {} }).id;
  datasetIds.swapped = store.datasets.insert({ name: 'swapped', kind: 'corpus', path: join(corpora, 'swapped.txt'), stats: {} }).id;
  datasetIds.zero = store.datasets.insert({ name: 'zero', kind: 'corpus', path: linkTo('/dev/zero', join(corpora, 'zero.txt')), stats: {} }).id;
  store.close();
  // registered as a regular file, later replaced by a FIFO
  rmSync(join(corpora, 'swapped.txt'));
  fifo(join(corpora, 'swapped.txt'));
  server = await startServeProcess(home);
});

after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Calls `method` while polling system.info; both must answer quickly, and the call must not be a 5xx. */
async function hostile(method: string, body: unknown): Promise<{ status: number; body: any; bytes: number }> {
  let slowest = 0;
  let polling = true;
  const poll = (async () => {
    while (polling) {
      const info = await server.call('system.info', {}, QUICK_MS * 2);
      assert.equal(info.status, 200);
      slowest = Math.max(slowest, info.ms);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  try {
    const res = await server.call(method, body, QUICK_MS * 3);
    assert.ok(res.status < 500, `${method} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
    assert.ok(res.ms < QUICK_MS, `${method} took ${res.ms} ms`);
    return res;
  } finally {
    polling = false;
    await poll;
    assert.ok(slowest < QUICK_MS, `system.info took ${slowest} ms while ${method} ran`);
  }
}

async function refused(method: string, body: unknown, status: number, message: RegExp): Promise<void> {
  const res = await hostile(method, body);
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.match(res.body.error.message, message);
}

const folder = (name: string) => modelFolder(join(dir, 'models', name));

test('a model whose config.json is a FIFO is refused at once, and the server keeps answering', async () => {
  const m = folder('fifo-config');
  rmSync(join(m, 'config.json'));
  fifo(join(m, 'config.json'));
  await refused('models.register', { path: m }, 400, /config\.json is a FIFO \(named pipe\); expected a model config\.json as a regular file/);
});

test('a model whose model.safetensors is a FIFO is refused at once', async () => {
  const m = folder('fifo-weights');
  rmSync(join(m, 'model.safetensors'));
  fifo(join(m, 'model.safetensors'));
  await refused('models.register', { path: m }, 400, /model\.safetensors is a FIFO \(named pipe\); expected safetensors weights as a regular file/);
});

test('a model whose vocab.txt is a FIFO is refused at once', async () => {
  const m = folder('fifo-vocab');
  rmSync(join(m, 'vocab.txt'));
  fifo(join(m, 'vocab.txt'));
  await refused('models.register', { path: m }, 400, /vocab\.txt is a FIFO/);
});

test('a config.json linked to /dev/zero is refused as a character device, without reading it', async () => {
  const m = folder('zero-config');
  rmSync(join(m, 'config.json'));
  linkTo('/dev/zero', join(m, 'config.json'));
  await refused('models.register', { path: m }, 400, /config\.json is a character device; expected a model config\.json as a regular file/);
});

test('a 10 GiB sparse config.json is refused as too large (413) naming the limit', async () => {
  const m = folder('giant-config');
  sparse(join(m, 'config.json'), 10 * GiB);
  await refused('models.register', { path: m }, 413, /config\.json is 10240\.0 MiB; expected a model config\.json of at most 1\.0 MiB/);
});

test('a model folder with a 3 GiB stray file registers at once: only config, header and vocab are read', async () => {
  const m = folder('stray-giant');
  sparse(join(m, 'optimizer.pt'), 3 * GiB);
  const res = await hostile('models.register', { path: m, name: 'stray' });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.ok(res.body.result.fileSize < 10 * 1024 * 1024, `fileSize ${res.body.result.fileSize} counts the stray file`);
});

test('weights whose safetensors header lies are refused naming the file and what is wrong', async () => {
  await refused('models.register', { path: modelFolder(join(dir, 'models', 'zero-offsets'), allAtByteZero()) }, 400, /model\.safetensors: tensors "[^"]+" \[0, \d+\] and "[^"]+" \[0, \d+\] overlap/);
  await refused('models.register', { path: modelFolder(join(dir, 'models', 'past-end'), rangePastTheEnd()) }, 400, /model\.safetensors is truncated: tensor "[^"]+" needs file bytes/);
  await refused('models.register', { path: modelFolder(join(dir, 'models', 'huge-header'), hugeHeaderLength()) }, 400, /header claims bytes 8\.\.1099511627784 but the file has only 10 bytes/);
});

test('a sparse 3 GiB model.safetensors whose header claims 64 MiB of JSON is refused (413) without reading it', async () => {
  const m = folder('giant-header');
  const path = join(m, 'model.safetensors');
  sparse(path, 3 * GiB);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(64n << 20n);
  const fd = openSync(path, 'r+');
  writeSync(fd, len, 0, 8, 0);
  closeSync(fd);
  await refused('models.register', { path: m }, 413, /model\.safetensors: the header claims 67108864 bytes; expected at most 16777216/);
});

test('a shard index naming a file outside the model folder is refused', async () => {
  const m = folder('escaping-index');
  rmSync(join(m, 'model.safetensors'));
  writeFileSync(join(m, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { 'bert.pooler.dense.weight': '../fifo-weights/model.safetensors' } }));
  await refused('models.register', { path: m }, 400, /names "\.\.\/fifo-weights\/model\.safetensors", outside the model folder/);
});

test('registering a FIFO or /dev/zero as a corpus is refused naming what it is', async () => {
  await refused('datasets.register', { path: fifo(join(dir, 'corpus.fifo')), kind: 'corpus' }, 400, /corpus\.fifo is a FIFO \(named pipe\); expected a text file or a folder/);
  await refused('datasets.register', { path: '/dev/zero', kind: 'corpus' }, 400, /\/dev\/zero is a character device; expected a text file or a folder/);
});

test('a preview with limit 1 of a corpus whose first line is 50 MB answers at once with the line cut', async () => {
  const res = await hostile('datasets.preview', { id: datasetIds.long, limit: 1 });
  assert.equal(res.status, 200);
  assert.ok(res.bytes < 64 * 1024, `answered ${res.bytes} bytes`);
  const [[line]] = res.body.result.rows as string[][];
  assert.match(line, /^a{16384} … \(line cut: longer than 16 KiB\)$/);
});

test('a preview past a 50 MB line stops at the read budget, in bounded time and bytes', async () => {
  const res = await hostile('datasets.preview', { id: datasetIds.long, limit: 2 });
  assert.equal(res.status, 200);
  assert.ok(res.bytes < 64 * 1024, `answered ${res.bytes} bytes`);
  assert.equal(res.body.result.rows.length, 1, 'the 8 MiB budget ends inside the long line');
});

test('a corpus replaced by a FIFO or linked to /dev/zero after registration is refused at preview', async () => {
  await refused('datasets.preview', { id: datasetIds.swapped, limit: 1 }, 400, /swapped\.txt is a FIFO/);
  await refused('datasets.preview', { id: datasetIds.zero, limit: 1 }, 400, /zero\.txt is a character device; expected a text file as a regular file/);
});

test('after every hostile file the server is alive and its stderr holds no crash', async () => {
  const res = await server.call('system.info', {});
  assert.equal(res.status, 200);
  assert.equal(server.child.exitCode, null);
  assert.doesNotMatch(server.stderr(), /Uncaught|TypeError|RangeError/);
});
