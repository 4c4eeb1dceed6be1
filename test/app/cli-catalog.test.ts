// `wid models`, `wid datasets`, `wid info`: what WID/baseline runs refer to can be set up without the UI.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWid } from './support/runWid.js';

const root = new URL('../..', import.meta.url).pathname;
const home = mkdtempSync(join(tmpdir(), 'wid-cli-catalog-'));
after(() => rmSync(home, { recursive: true, force: true }));
const wid = (...args: string[]) => runWid(['--home', home, ...args]);

test('a registered teacher folder is listed with its parameter count', async () => {
  const reg = await wid('models', 'register', join(root, 'test/fixtures/bert/tiny-teacher'), '--name', 'tiny');
  assert.equal(reg.code, 0, reg.stderr);
  assert.match(reg.stdout, /model 1 "tiny" registered \(teacher, \d+ parameters\)/);
  const list = JSON.parse((await wid('models', '--json')).stdout) as { id: number; name: string; kind: string; parameterCount: number }[];
  assert.deepEqual(list.map((m) => [m.id, m.name, m.kind]), [[1, 'tiny', 'teacher']]);
  assert.ok(list[0]!.parameterCount > 0);
});

test('a dataset needs --kind corpus or glue; a GLUE folder is registered with its tasks', async () => {
  const bad = await wid('datasets', 'register', join(root, 'test/fixtures/glue'), '--kind', 'tsv');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--kind must be corpus or glue, got "tsv"/);
  const ok = await wid('datasets', 'register', join(root, 'test/fixtures/glue'), '--kind', 'glue');
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /dataset 1 "glue" registered \(glue\).*SST-2/);
});

test('wid info reports the data folder and that wasm is usable', async () => {
  const res = await wid('info', '--json');
  assert.equal(res.code, 0, res.stderr);
  const info = JSON.parse(res.stdout) as { dataDir: string; backends: { name: string; available: boolean }[] };
  assert.equal(info.dataDir, home);
  assert.equal(info.backends.find((b) => b.name === 'wasm')?.available, true);
});
