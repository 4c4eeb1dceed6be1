// Starts a job worker as a Node child process. From source the worker runs through tsx; in the
// bundled app (dist/main/worker.cjs beside this bundle) it runs as plain JavaScript.
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkerLauncher, WorkerProcess } from './worker-launcher.js';

function moduleDir(): string {
  // import.meta.url is undefined inside a CommonJS bundle; __dirname is defined there instead.
  const url = (import.meta as { url?: string }).url;
  return url ? dirname(fileURLToPath(url)) : __dirname;
}

export interface WorkerEntry { file: string; execArgv: string[] }

/** WID_WORKER_ENTRY overrides; else the TypeScript source next to us, else the bundled worker.cjs. */
export function resolveWorkerEntry(): WorkerEntry {
  const here = moduleDir();
  const fromEnv = process.env.WID_WORKER_ENTRY;
  const source = resolve(here, '../../worker/job-worker.ts');
  const file = fromEnv ? resolve(fromEnv) : existsSync(source) ? source : join(here, 'worker.cjs');
  if (!existsSync(file)) throw new Error(`job worker entry ${file} not found (build with npm run build, or set WID_WORKER_ENTRY)`);
  if (!file.endsWith('.ts')) return { file, execArgv: [] };
  // Absolute loader path, so the worker starts whatever the current directory is.
  const tsx = (import.meta as { resolve?: (s: string) => string }).resolve?.('tsx') ?? 'tsx';
  return { file, execArgv: ['--import', tsx] };
}

export const launchNodeWorker: WorkerLauncher = (runId: number): WorkerProcess => {
  const entry = resolveWorkerEntry();
  // execArgv is set explicitly: inheriting the parent's (e.g. --test) would change what the child does.
  const child = fork(entry.file, [`--run-id=${runId}`], {
    execArgv: entry.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, WID_RUN_ID: String(runId) },
  });
  return {
    send: (message) => { if (child.connected) child.send(message as object); },
    onMessage: (listener) => { child.on('message', listener); },
    // 'close' fires after the IPC channel is drained, so every message is seen before the exit.
    onExit: (listener) => { child.on('close', (code, signal) => listener(code ?? (signal ? 128 + signalNumber(signal) : null))); },
    kill: () => { child.kill('SIGKILL'); },
  };
};

function signalNumber(signal: NodeJS.Signals): number {
  return ({ SIGKILL: 9, SIGTERM: 15, SIGINT: 2, SIGSEGV: 11, SIGABRT: 6 } as Record<string, number>)[signal] ?? 0;
}
