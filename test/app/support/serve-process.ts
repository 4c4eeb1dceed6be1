// A web-mode server (src-main/app/web/serve.ts) in its own process, so a test can see whether a request
// hangs or crashes the server without hanging or crashing the test itself.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const root = new URL('../../..', import.meta.url).pathname;

export interface ServeProcess {
  child: ChildProcess;
  /** What the server wrote on stderr so far. */
  stderr(): string;
  /** POSTs a call; rejects when no answer comes within timeoutMs (a frozen server). */
  call(method: string, body: unknown, timeoutMs?: number): Promise<{ status: number; body: any; ms: number; bytes: number }>;
  close(): Promise<void>;
}

export async function startServeProcess(home: string, env: Record<string, string> = {}): Promise<ServeProcess> {
  const staticDir = join(home, '.renderer');
  mkdirSync(staticDir, { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html>');
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src-main/app/web/serve.ts'), '--home', home, '--port', '0', '--static', staticDir], {
    cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += String(d); });
  const first = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed nothing within 45 s; stderr:\n${stderr}`)), 45_000);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`serve exited with ${code}; stderr:\n${stderr}`)); });
    createInterface({ input: child.stdout! }).once('line', (line) => { clearTimeout(timer); resolve(line); });
  });
  const url = new URL((JSON.parse(first) as { url: string }).url);
  const token = url.searchParams.get('token')!;
  return {
    child,
    stderr: () => stderr,
    async call(method, body, timeoutMs = 10_000) {
      const t0 = Date.now();
      const res = await fetch(`${url.origin}/api/call/${method}`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-wid-token': token }, body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try { parsed = JSON.parse(text); } catch { /* left as text */ }
      return { status: res.status, body: parsed, ms: Date.now() - t0, bytes: text.length };
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
