// `wid run --config FILE`: the file's shape (method + run config) is checked before anything is opened or written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { readRunConfigFile } from '../../src-main/cli/runConfigFile.js';
import { CliError } from '../../src-main/cli/cliError.js';
import { groupRequestFrom } from '../../src-main/cli/groupRequest.js';

const dir = mkdtempSync(join(tmpdir(), 'wid-cli-cfg-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };

const rejectsWith = (fn: () => unknown, pattern: RegExp) => assert.throws(fn, (err: unknown) => {
  assert.ok(err instanceof CliError, `expected CliError, got ${String(err)}`);
  assert.equal(err.exitCode, 2);
  assert.match(err.message, pattern);
  return true;
});

test('flat settings beside "method" and "name" become the run config', () => {
  const p = file('flat.json', JSON.stringify({ method: 'selftest', name: 'smoke', steps: 4, backend: 'wasm' }));
  assert.deepEqual(readRunConfigFile(p), { method: 'selftest', name: 'smoke', config: { steps: 4, backend: 'wasm' } });
});

test('settings nested under "config" are used as they are', () => {
  const p = file('nested.json', JSON.stringify({ method: 'wid', config: { steps: 4 } }));
  assert.deepEqual(readRunConfigFile(p), { method: 'wid', config: { steps: 4 } });
});

test('--method overrides the file and may stand in for a missing "method"', () => {
  const p = file('nomethod.json', JSON.stringify({ steps: 2 }));
  assert.equal(readRunConfigFile(p, 'selftest').method, 'selftest');
});

test('a missing file names the path', () => {
  rejectsWith(() => readRunConfigFile(join(dir, 'nope.json')), /cannot read --config .*nope\.json: ENOENT/);
});

test('malformed JSON names the file', () => {
  rejectsWith(() => readRunConfigFile(file('bad.json', '{"method": "selftest", steps: 3}')), /bad\.json is not valid JSON/);
});

test('a missing "method" says which methods exist', () => {
  rejectsWith(() => readRunConfigFile(file('m.json', '{"steps": 3}')), /"method" is missing.*selftest/);
});

test('a JSON array, a non-string name or a non-object "config" is refused', () => {
  rejectsWith(() => readRunConfigFile(file('arr.json', '[1]')), /must hold a JSON object/);
  rejectsWith(() => readRunConfigFile(file('name.json', '{"method":"selftest","name":3}')), /"name" must be a string/);
  rejectsWith(() => readRunConfigFile(file('cfg.json', '{"method":"selftest","config":[1]}')), /"config" must be an object/);
});

test('settings both flat and under "config" are ambiguous and refused', () => {
  rejectsWith(() => readRunConfigFile(file('both.json', '{"method":"selftest","steps":3,"config":{"steps":4}}')), /either at the top level or under "config".*steps/);
});

test('"method": "compare" keeps a top-level "methods" (flat or beside "config") out of the shared config', () => {
  const flat = readRunConfigFile(file('cmp-flat.json', JSON.stringify({ method: 'compare', name: 'g', methods: ['wid', 'tinybert'], steps: 4 })));
  assert.deepEqual(flat, { method: 'compare', name: 'g', methods: ['wid', 'tinybert'], config: { steps: 4 } });
  assert.deepEqual(groupRequestFrom(flat), { name: 'g', methods: ['wid', 'tinybert'], config: { steps: 4 } });
  const nested = readRunConfigFile(file('cmp-nested.json', JSON.stringify({ method: 'compare', methods: ['wid'], config: { steps: 4 } })));
  assert.deepEqual(nested, { method: 'compare', methods: ['wid'], config: { steps: 4 } });
});

test('a compare group without "methods" runs WID, DistilBERT and TinyBERT; --method compare turns a run file into a group', () => {
  const request = readRunConfigFile(file('cmp-default.json', JSON.stringify({ method: 'wid', steps: 4 })), 'compare');
  assert.deepEqual(groupRequestFrom(request), { methods: ['wid', 'distilbert', 'tinybert'], config: { steps: 4 } });
});

test('"methods" beside any other method is refused, naming both keys', () => {
  rejectsWith(() => readRunConfigFile(file('methods-wid.json', '{"method":"wid","methods":["wid"],"steps":3}')), /"methods" only goes with "method": "compare".*"wid"/);
});
