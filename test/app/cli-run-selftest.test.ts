// `wid` end to end (issue 2 item 5): a selftest run through the same service and runner as the UI,
// then found by `wid list` / `wid show`; a malformed config exits 2 with a clear message and writes no run.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWid } from './support/runWid.js';

let home: string;
let cwd: string;
before(() => {
  home = mkdtempSync(join(tmpdir(), 'wid-cli-home-'));
  // Run from an unrelated folder: bin/wid.mjs must work from any working directory.
  cwd = mkdtempSync(join(tmpdir(), 'wid-cli-cwd-'));
  writeFileSync(join(cwd, 'selftest.json'), JSON.stringify({ method: 'selftest', name: 'cli selftest', steps: 4, backend: 'wasm', delayMs: 0 }));
  writeFileSync(join(cwd, 'bad-field.json'), JSON.stringify({ method: 'selftest', name: 'bad', steps: 'many', backend: 'wasm' }));
  writeFileSync(join(cwd, 'bad-json.json'), '{"method": "selftest", "steps": 4,');
});
after(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(cwd, { recursive: true, force: true });
});

const wid = (...args: string[]) => runWid(['--home', home, ...args], { cwd });

test('a config with a wrong field exits 2, names the field, and creates no run', async () => {
  const res = await wid('run', '--config', 'bad-field.json');
  assert.equal(res.code, 2, res.stderr);
  assert.match(res.stderr, /steps/);
  const list = await wid('list', '--json');
  assert.equal(list.code, 0, list.stderr);
  assert.deepEqual(JSON.parse(list.stdout), []);
  const runsDir = join(home, 'runs');
  assert.ok(!existsSync(runsDir) || readdirSync(runsDir).length === 0, 'no run folder written');
});

test('malformed JSON exits 2 naming the file, before any data folder is opened', async () => {
  const fresh = join(home, 'untouched');
  const res = await runWid(['--home', fresh, 'run', '--config', 'bad-json.json'], { cwd });
  assert.equal(res.code, 2);
  assert.match(res.stderr, /bad-json\.json is not valid JSON/);
});

test('a selftest run completes with exit 0, printing progress, and list/show find it', async () => {
  const res = await wid('run', '--config', 'selftest.json');
  assert.equal(res.code, 0, `stdout:\n${res.stdout}\nstderr:\n${res.stderr}`);
  assert.match(res.stdout, /step 4\/4 loss=/);
  assert.match(res.stdout, /completed/);
  const id = Number(/run (\d+) "cli selftest" created/.exec(res.stdout)?.[1]);
  assert.ok(id > 0, res.stdout);

  const list = await wid('list', '--json', '--status', 'completed');
  const runs = JSON.parse(list.stdout) as { id: number; name: string; status: string }[];
  assert.deepEqual(runs.map((r) => [r.id, r.name, r.status]), [[id, 'cli selftest', 'completed']]);

  const table = await wid('list', '--search', 'cli self');
  assert.match(table.stdout, new RegExp(`${id}\\s+cli selftest\\s+selftest\\s+completed\\s+4/4`));

  const show = await wid('show', String(id));
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /status\s+completed/);
  assert.match(show.stdout, /backend\s+wasm/);
  assert.match(show.stdout, /\nmetrics\n/);
  assert.match(show.stdout, /^loss\s+4\s/m);
});

test('show of an unknown run exits 1 with the service\'s not-found message', async () => {
  const res = await wid('show', '987654');
  assert.equal(res.code, 1);
  assert.match(res.stderr, /987654/);
});

test('an unknown command or bad id is a usage error (exit 2)', async () => {
  assert.equal((await wid('fly')).code, 2);
  const res = await wid('show', 'abc');
  assert.equal(res.code, 2);
  assert.match(res.stderr, /positive integer/);
});
