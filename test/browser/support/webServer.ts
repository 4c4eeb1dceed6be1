// Starts the real web-mode server (src-main/app/web/serve.ts) as a child process on a given WID_HOME
// and reads the URL (with ?token=) from the first JSON line it prints.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const root = new URL('../../..', import.meta.url).pathname;
export const SERVE_ENTRY = join(root, 'src-main/app/web/serve.ts');
export const serverAvailable = () => existsSync(SERVE_ENTRY);

export interface RunningServer { url: string; stop(): Promise<void> }

export async function startServer(home: string, timeoutMs = 60_000): Promise<RunningServer> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', SERVE_ENTRY, '--home', home, '--port', '0'], {
    cwd: root, env: { ...process.env, WID_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += String(d); });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server printed no URL within ${timeoutMs} ms; stderr:\n${stderr}`)), timeoutMs);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code} before printing its URL; stderr:\n${stderr}`)); });
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const msg = JSON.parse(line) as { url?: string };
        if (msg.url) { clearTimeout(timer); lines.close(); resolve(msg.url); }
      } catch { /* not the JSON line: keep reading */ }
    });
  });
  child.stdout!.resume();
  return {
    url,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => { if (child.exitCode === null) child.kill('SIGKILL'); }, 10_000).unref();
    }),
  };
}
