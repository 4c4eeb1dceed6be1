#!/usr/bin/env node
// `npm start`: installs dependencies if missing, builds what is missing or stale, then opens the Electron app
// where Electron can start (its binary is installed and, on Linux, a display is set); otherwise it starts web mode
// and prints `WID Workbench (web mode): http://127.0.0.1:PORT/?token=...`.
// Options: --web (force web mode), --port N (web mode), --home DIR (data folder, like WID_HOME), --parallel N (runs
// executed at once, like WID_PARALLEL), --no-build.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const root = new URL('..', import.meta.url).pathname;
const { values: opts } = parseArgs({
  options: {
    web: { type: 'boolean', default: false },
    port: { type: 'string', default: '0' },
    home: { type: 'string' },
    parallel: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
  },
});
if (!/^\d+$/.test(opts.port) || Number(opts.port) > 65535) {
  console.error(`--port must be a number 0..65535 (0 = any free port), got "${opts.port}"`);
  process.exit(2);
}
if (opts.parallel !== undefined && (!/^\d+$/.test(opts.parallel) || Number(opts.parallel) < 1)) {
  console.error(`--parallel must be a positive integer (runs executed at once), got "${opts.parallel}"`);
  process.exit(2);
}

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root });
  if (r.status !== 0) { console.error(`"${cmd} ${args.join(' ')}" failed (exit ${r.status})`); process.exit(r.status ?? 1); }
};

/** Newest modification time of any file under the given paths (0 when none exist). */
function newestMtime(paths) {
  let newest = 0;
  const visit = (p) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) { for (const name of readdirSync(p)) if (name !== 'node_modules') visit(join(p, name)); }
    else newest = Math.max(newest, st.mtimeMs);
  };
  paths.forEach(visit);
  return newest;
}
const stale = (output, inputs) => !existsSync(output) || statSync(output).mtimeMs < newestMtime(inputs);

/** The Electron binary when the optional `electron` package installed one, else null (with the reason). */
function electronBinary() {
  const require = createRequire(join(root, 'package.json'));
  try { require.resolve('electron/package.json'); } catch {
    return { reason: 'the optional electron package is not installed' };
  }
  try {
    const bin = require('electron');
    return typeof bin === 'string' && existsSync(bin) ? { bin } : { reason: `the electron binary ${bin} is missing` };
  } catch {
    return { reason: 'the electron package was installed without its binary' };
  }
}
function hasDisplay() {
  if (process.platform !== 'linux') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

if (!existsSync(join(root, 'node_modules'))) run('npm', ['install', '--no-audit', '--no-fund']);
if (!opts['no-build'] && stale(join(root, 'dist/renderer/index.html'), [join(root, 'src-renderer'), join(root, 'src-main/shared')])) {
  console.log('Building the renderer...');
  run('node', ['scripts/build.mjs', '--renderer-only']);
}

const env = { ...process.env, ...(opts.home ? { WID_HOME: opts.home } : {}), ...(opts.parallel ? { WID_PARALLEL: opts.parallel } : {}) };

function startWeb(why) {
  if (why) console.log(`Electron cannot start here (${why}): starting web mode.`);
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src-main/app/web/serve.ts'), '--port', opts.port,
    ...(opts.home ? ['--home', opts.home] : [])], { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
  // serve.ts prints a machine-readable JSON line with the URL first; people read the human line after it.
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith('{')) {
      try { if (JSON.parse(line).url) return; } catch { /* not ours: print it */ }
    }
    console.log(line);
  });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

function startElectron(bin) {
  if (!opts['no-build'] && stale(join(root, 'dist/main/electron/main.cjs'), [join(root, 'src-main')])) {
    console.log('Building the Electron main, preload and worker bundles...');
    run('node', ['scripts/build-main.mjs']);
  }
  const startedAt = Date.now();
  const child = spawn(bin, [root], { cwd: root, env, stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code) => {
    // A crash within seconds means Electron could not start here (missing system libraries, no GPU/display access).
    if (code !== 0 && Date.now() - startedAt < 5000) { startWeb(`electron exited with ${code} on start`); return; }
    process.exit(code ?? 0);
  });
}

const electron = electronBinary();
if (opts.web) startWeb(null);
else if (!electron.bin) startWeb(electron.reason);
else if (!hasDisplay()) startWeb('no display: DISPLAY and WAYLAND_DISPLAY are unset');
else startElectron(electron.bin);
