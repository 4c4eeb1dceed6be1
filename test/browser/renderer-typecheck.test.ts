// The Svelte components and renderer modules type-check against the API contract (svelte-check, strict).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const root = new URL('../..', import.meta.url).pathname;

test('svelte-check finds no errors or warnings in src-renderer', () => {
  const r = spawnSync(process.execPath, [`${root}node_modules/svelte-check/bin/svelte-check`,
    '--tsconfig', './tsconfig.json', '--workspace', 'src-renderer', '--output', 'machine'],
    { cwd: root, encoding: 'utf8', timeout: 120_000 });
  const completed = r.stdout.split('\n').find((l) => l.includes(' COMPLETED '));
  assert.ok(completed, `svelte-check did not finish:\n${r.stdout}\n${r.stderr}`);
  assert.match(completed, / 0 ERRORS 0 WARNINGS/, r.stdout);
});
