#!/usr/bin/env node
// `wid` (package bin): runs src-main/cli/main.ts through tsx from any working directory,
// passing arguments, stdio, signals and the exit code through.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../src-main/cli/main.ts', import.meta.url));
// Absolute loader path so the tsx of this checkout is used whatever the current directory is.
const tsxUrl = import.meta.resolve('tsx');

const child = spawn(process.execPath, ['--import', tsxUrl, entry, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
// The child gets Ctrl-C from the terminal itself (same process group); forward only what is sent to us.
process.on('SIGTERM', () => child.kill('SIGTERM'));
process.on('SIGINT', () => { /* the child handles it (cancels a followed run) */ });
child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 130 : 1)));
