#!/usr/bin/env node
// Builds the renderer (Vite -> dist/renderer) and, unless --renderer-only, the Electron main,
// preload and worker bundles (esbuild -> dist/main).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const rendererOnly = process.argv.includes('--renderer-only');
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

if (existsSync(`${root}/src-renderer/vite.config.ts`)) {
  run('npx', ['vite', 'build', '--config', 'src-renderer/vite.config.ts', '--logLevel', 'warn']);
}
if (!rendererOnly && existsSync(`${root}/scripts/build-main.mjs`)) run('node', ['scripts/build-main.mjs']);
