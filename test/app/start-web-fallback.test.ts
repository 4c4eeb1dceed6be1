// `npm start` (issue 2 item 1): where Electron cannot start (no binary or no display) it starts web mode,
// prints the URL with its token, and that URL answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const root = new URL('../..', import.meta.url).pathname;

test('npm start without a display falls back to web mode and prints a URL that answers', { timeout: 60_000 }, async () => {
  const home = mkdtempSync(join(tmpdir(), 'wid-start-'));
  const env: Record<string, string | undefined> = { ...process.env, WID_HOME: home };
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  // --no-build: the renderer build is `npm test`'s job; this test is about choosing the mode.
  const child = spawn(process.execPath, [join(root, 'scripts/start.mjs'), '--port', '0', '--no-build'], {
    cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (d) => { output += String(d); });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL within 45 s; output:\n${output}`)), 45_000);
      child.once('exit', (code) => reject(new Error(`start.mjs exited with ${code}; output:\n${output}`)));
      createInterface({ input: child.stdout }).on('line', (line) => {
        output += `${line}\n`;
        const m = /^WID Workbench \(web mode\): (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64})$/.exec(line);
        if (m) { clearTimeout(timer); resolve(m[1]!); }
      });
    });
    assert.match(output, /Electron cannot start here/);
    const { origin, searchParams } = new URL(url);
    const res = await fetch(`${origin}/api/call/system.info`, { method: 'POST', headers: { 'x-wid-token': searchParams.get('token')! }, body: '{}' });
    assert.equal(res.status, 200);
    const body = await res.json() as { result: { mode: string; dataDir: string } };
    assert.equal(body.result.mode, 'web');
    assert.equal(body.result.dataDir, home);
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(home, { recursive: true, force: true });
  }
});
