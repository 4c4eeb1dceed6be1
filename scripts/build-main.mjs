#!/usr/bin/env node
// Bundles the Electron main process, the sandboxed preload and the job worker with esbuild (CommonJS, Node 20):
//   src-main/electron/main.ts     -> dist/main/electron/main.cjs   (package.json "main")
//   src-main/electron/preload.ts  -> dist/main/electron/preload.cjs (sandboxed: only require('electron') allowed)
//   src-main/worker/job-worker.ts -> dist/main/worker.cjs          (started with utilityProcess.fork)
// Native and binary-carrying packages stay external; electron-builder ships them unpacked from the asar.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

export const EXTERNALS = [
  'electron',
  'better-sqlite3',
  '@tensorflow/tfjs-node',
  '@tensorflow/tfjs-node-gpu',
  'webgpu',
  // Loads its .wasm files from its own dist folder at run time, so it must stay a real package on disk.
  '@tensorflow/tfjs-backend-wasm',
];

const entries = [
  { in: 'src-main/electron/main.ts', out: 'dist/main/electron/main.cjs', platform: 'node' },
  { in: 'src-main/electron/preload.ts', out: 'dist/main/electron/preload.cjs', platform: 'node' },
  { in: 'src-main/worker/job-worker.ts', out: 'dist/main/worker.cjs', platform: 'node' },
];

let built = 0;
for (const entry of entries) {
  if (!existsSync(join(root, entry.in))) {
    console.warn(`build-main: ${entry.in} does not exist yet, skipping ${entry.out}`);
    continue;
  }
  await build({
    absWorkingDir: root,
    entryPoints: [entry.in],
    outfile: entry.out,
    bundle: true,
    platform: entry.platform,
    format: 'cjs',
    target: 'node20',
    sourcemap: true,
    external: EXTERNALS,
    logLevel: 'warning',
    // import.meta.url is empty in CommonJS; code that needs its own folder falls back to __dirname.
    logOverride: { 'empty-import-meta': 'silent' },
  });
  built++;
}
console.log(`build-main: ${built} bundle(s) written to dist/main`);
