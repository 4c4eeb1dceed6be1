// `wid serve`: web mode from the CLI — prints the JSON url line first, answers with the token and refuses without it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { WID_BIN } from './support/runWid.js';

test('wid serve prints its URL as the first JSON line and serves the API on 127.0.0.1 with that token only', { timeout: 60_000 }, async () => {
  const home = mkdtempSync(join(tmpdir(), 'wid-cli-serve-'));
  const child = spawn(process.execPath, [WID_BIN, '--home', home, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += String(d); });
  try {
    const first = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no output within 45 s; stderr:\n${stderr}`)), 45_000);
      child.once('exit', (code) => reject(new Error(`wid serve exited with ${code}; stderr:\n${stderr}`)));
      createInterface({ input: child.stdout }).once('line', (line) => { clearTimeout(timer); resolve(line); });
    });
    const { url, dataDir } = JSON.parse(first) as { url: string; dataDir: string };
    assert.equal(dataDir, home);
    const parsed = new URL(url);
    assert.equal(parsed.hostname, '127.0.0.1');
    const token = parsed.searchParams.get('token')!;
    const endpoint = `${parsed.origin}/api/call/runs.list`;
    assert.equal((await fetch(endpoint, { method: 'POST', body: '{}' })).status, 401);
    const ok = await fetch(endpoint, { method: 'POST', headers: { 'x-wid-token': token }, body: '{}' });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { result: [] });
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(home, { recursive: true, force: true });
  }
});
