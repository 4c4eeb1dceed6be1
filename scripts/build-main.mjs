#!/usr/bin/env node
// Bundles the Electron main process, the sandboxed preload and the job worker with esbuild (CommonJS, Node 20):
//   src-main/electron/main.ts     -> dist/main/electron/main.cjs   (package.json "main")
//   src-main/electron/preload.ts  -> dist/main/electron/preload.cjs (sandboxed: only require('electron') allowed)
//   src-main/worker/job-worker.ts -> dist/main/worker.cjs          (started with utilityProcess.fork)
//   src-main/worker/slurm-job.ts  -> dist/main/slurm-job.cjs       (a run's job on a SLURM cluster; packed into its shared folder)
// Native and binary-carrying packages stay external; electron-builder ships them unpacked from the asar.
// `--out DIR` writes the same layout under DIR instead of dist/main (tests).
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = new URL('..', import.meta.url).pathname;
const { values: args } = parseArgs({ options: { out: { type: 'string', default: 'dist/main' } } });
const outDir = resolve(root, args.out);

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
  { in: 'src-main/electron/main.ts', out: 'electron/main.cjs' },
  { in: 'src-main/electron/preload.ts', out: 'electron/preload.cjs' },
  { in: 'src-main/worker/job-worker.ts', out: 'worker.cjs' },
  { in: 'src-main/worker/slurm-job.ts', out: 'slurm-job.cjs' },
];

let built = 0;
for (const entry of entries) {
  if (!existsSync(join(root, entry.in))) {
    console.error(`build-main: entry ${entry.in} is missing`);
    process.exit(1);
  }
  await build({
    absWorkingDir: root,
    entryPoints: [entry.in],
    outfile: join(outDir, entry.out),
    bundle: true,
    platform: 'node',
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
console.log(`build-main: ${built} bundle(s) written to ${outDir}`);
