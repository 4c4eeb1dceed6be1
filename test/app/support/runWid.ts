// Runs the real `wid` command (bin/wid.mjs) as a child process and collects its output.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('../../..', import.meta.url).pathname;
export const WID_BIN = join(root, 'bin/wid.mjs');

export interface WidResult { code: number | null; stdout: string; stderr: string }

export function runWid(args: string[], opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<WidResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WID_BIN, ...args], {
      cwd: opts.cwd ?? root, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += String(d); });
    child.stderr.on('data', (d) => { stderr += String(d); });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`wid ${args.join(' ')} did not finish; stdout:\n${stdout}\nstderr:\n${stderr}`)); },
      opts.timeoutMs ?? 50_000);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}
