// The bundled Electron main process (issue 2 item 2), run against a stand-in `electron` module because the
// Electron binary is not installed here: secure window settings, the preload bridge, IPC calls through the
// service with { result } / { error } envelopes, events forwarded to the window, workers via utilityProcess.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
let dir: string;
let report: any;
let userData: string;

before(() => {
  // Inside the checkout (dist/ is ignored) so the bundles find node_modules the way dist/main does.
  mkdirSync(join(root, 'dist'), { recursive: true });
  dir = mkdtempSync(join(root, 'dist', 'test-electron-'));
  userData = join(dir, 'userData');
  const build = spawnSync(process.execPath, [join(root, 'scripts/build-main.mjs'), '--out', join(dir, 'main')], { cwd: root, encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
  const env: Record<string, string | undefined> = { ...process.env, FAKE_USER_DATA: userData };
  delete env.WID_HOME;
  const run = spawnSync(process.execPath, ['--require', join(root, 'test/app/support/fake-electron.cjs'), join(dir, 'main/electron/main.cjs')],
    { cwd: dir, env, encoding: 'utf8', timeout: 50_000 });
  const line = run.stdout.split('\n').find((l) => l.startsWith('{"report"'));
  assert.ok(line, `main printed no report (exit ${run.status}); stdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  report = JSON.parse(line).report;
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('the window is sandboxed with context isolation and no Node, and loads the built renderer', () => {
  const [win] = report.recorded.windows;
  assert.deepEqual(
    { contextIsolation: win.options.webPreferences.contextIsolation, sandbox: win.options.webPreferences.sandbox, nodeIntegration: win.options.webPreferences.nodeIntegration },
    { contextIsolation: true, sandbox: true, nodeIntegration: false });
  assert.equal(win.options.webPreferences.preload, join(dir, 'main/electron/preload.cjs'));
  assert.ok(existsSync(win.options.webPreferences.preload));
  assert.equal(win.loadFile, join(dir, 'renderer/index.html'));
});

test('the preload bundle only requires electron and exposes window.widApi', () => {
  const preload = readFileSync(join(dir, 'main/electron/preload.cjs'), 'utf8');
  assert.deepEqual([...preload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]), ['electron']);
  assert.match(preload, /exposeInMainWorld\(BRIDGE_KEY/);
  assert.match(preload, /BRIDGE_KEY = "widApi"/);
});

test('IPC calls reach the service, which keeps its data in userData', () => {
  assert.deepEqual(report.channels, ['wid:call']);
  assert.equal(report.info.result.mode, 'electron');
  assert.equal(report.info.result.dataDir, userData);
});

test('service errors come back as { error: { code, message } }', () => {
  assert.ok(['not_found', 'bad_request'].includes(report.badMethod.error.code), report.badMethod.error.code);
  assert.match(report.badMethod.error.message, /runs\.fly/);
});

test('calls from a page other than the bundled UI are refused, another file:// page included', () => {
  assert.equal(report.foreign.error.code, 'unauthorized');
  assert.equal(report.foreignFile.error.code, 'unauthorized');
});

test('the window neither navigates nor is redirected to another file or site, and every permission request is denied', () => {
  assert.equal(report.fileNavigationBlocked, true);
  assert.equal(report.ownNavigationBlocked, false, 'routes of the bundled index stay allowed');
  assert.equal(report.redirectBlocked, true);
  assert.equal(report.permissionGranted, false);
  assert.equal(report.permissionCheck, false);
});

test('a run executes in a utility process from worker.cjs and its events are sent to the window', () => {
  assert.equal(report.final?.status, 'completed', JSON.stringify(report.final ?? report.created));
  assert.equal(report.recorded.forks[0].modulePath, join(dir, 'main/worker.cjs'));
  const events = report.recorded.events.filter((e: any) => e.channel === 'wid:event').map((e: any) => e.payload);
  assert.ok(events.some((e: any) => e.type === 'run.progress' && e.progress.step === 2), 'progress event for step 2');
  assert.ok(events.some((e: any) => e.type === 'run.status' && e.status === 'completed'), 'completed status event');
});

test('links open outside the app and the window never navigates away', () => {
  assert.deepEqual(report.windowOpen, { action: 'deny' });
  assert.equal(report.recorded.opened, 'https://example.com/');
  assert.equal(report.navigationBlocked, true);
});
