#!/usr/bin/env node
// `npm test`: type-check, build the renderer, make sure Chromium is there for the browser tests,
// then run every test/**/*.test.ts with node's test runner.
// Pass file filters as arguments (`npm test -- store`) to run a subset; WID_TEST_SKIP_BUILD=1 skips the build.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);
const run = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) { if (name !== 'fixtures') out.push(...findTests(p)); }
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out.sort();
}

export const CHROMIUM = process.env.WID_CHROMIUM ?? '/usr/bin/chromium';
function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot) {
    console.error(`Chromium not found at ${CHROMIUM}: install Debian's "chromium" package (browser tests need it).`);
    process.exit(1);
  }
  console.log('Installing Debian chromium for the browser tests...');
  run('bash', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null']);
}

if (!existsSync(join(root, 'node_modules'))) run('npm', ['install', '--no-audit', '--no-fund']);
let tests = findTests(join(root, 'test'));
if (filters.length) tests = tests.filter((t) => filters.some((f) => t.includes(f)));
const needsBrowser = tests.some((t) => t.startsWith('test/browser/'));
if (!filters.length) run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
if (!process.env.WID_TEST_SKIP_BUILD && (needsBrowser || !filters.length)) run('node', ['scripts/build.mjs', '--renderer-only']);
if (needsBrowser) ensureChromium();
if (!tests.length) { console.error('no test files matched'); process.exit(1); }
// Files run one at a time by default (CI has 2 cores, and browser tests time live runs); WID_TEST_CONCURRENCY=N
// runs N files at once where the machine has the cores for it.
const concurrency = Math.max(1, Number.parseInt(process.env.WID_TEST_CONCURRENCY ?? '1', 10) || 1);
console.log(`running ${tests.length} test files${concurrency > 1 ? `, ${concurrency} at a time` : ''}`);
// TAP as before, then each file's wall time (scripts/test-timings.mjs) at the end of the output
const reporters = ['--test-reporter=tap', '--test-reporter-destination=stdout', '--test-reporter=./scripts/test-timings.mjs', '--test-reporter-destination=stdout'];
run(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...reporters, ...tests], {
  env: { ...process.env, WID_TEST: '1' },
});
