// A `wid run` beside a running `wid serve` on the same data folder: both runs finish, neither process marks
// the other's running job interrupted, and the server sees the CLI's run in its history.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { runWid, WID_BIN } from './support/runWid.js';

test('a CLI run beside a serving web mode leaves the server\'s running job alone', { timeout: 90_000 }, async () => {
  const home = mkdtempSync(join(tmpdir(), 'wid-cli-beside-'));
  const server = spawn(process.execPath, [WID_BIN, '--home', home, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const first = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('wid serve printed nothing within 45 s')), 45_000);
      server.once('exit', (code) => reject(new Error(`wid serve exited with ${code}`)));
      createInterface({ input: server.stdout }).once('line', (line) => { clearTimeout(timer); resolve(line); });
    });
    const url = new URL((JSON.parse(first) as { url: string }).url);
    const api = async (method: string, body: unknown) => {
      const res = await fetch(`${url.origin}/api/call/${method}`, { method: 'POST', headers: { 'x-wid-token': url.searchParams.get('token')! }, body: JSON.stringify(body) });
      const json = await res.json() as { result?: any; error?: { message: string } };
      if (!res.ok) throw new Error(`${method}: ${json.error?.message}`);
      return json.result;
    };
    // Long enough to still be running while the CLI process starts its own runner.
    const serverRun = await api('runs.create', { method: 'selftest', name: 'server run', config: { steps: 30, delayMs: 300, backend: 'wasm' } });
    writeFileSync(join(home, 'cli.json'), JSON.stringify({ method: 'selftest', name: 'cli run', steps: 2, backend: 'wasm', delayMs: 0 }));
    const cli = await runWid(['--home', home, 'run', '--config', join(home, 'cli.json')]);
    assert.equal(cli.code, 0, cli.stderr);

    const afterCli = await api('runs.get', { id: serverRun.id });
    assert.ok(['running', 'completed'].includes(afterCli.status), `server run is ${afterCli.status}: ${afterCli.error}`);
    const names = (await api('runs.list', {}) as { name: string; status: string }[]).map((r) => `${r.name}:${r.status}`);
    assert.ok(names.includes('cli run:completed'), names.join(', '));

    const deadline = Date.now() + 40_000;
    let status = afterCli.status;
    while (status !== 'completed' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      status = (await api('runs.get', { id: serverRun.id })).status;
    }
    assert.equal(status, 'completed');
  } finally {
    if (server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
    rmSync(home, { recursive: true, force: true });
  }
});
