// The command a SLURM job runs: the same job worker as a local run. The bundled app packs dist/main/slurm-job.cjs and
// the packages it loads at run time (tfjs backends, webgpu, with their dependencies) into
// <shared>/wid-workbench/bundle/<hash>/ once; from source (development, tests) the job runs src-main/worker/slurm-job.ts
// through tsx from this checkout, which the cluster's nodes must then see at the same path.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WID_FOLDER, type SharedPaths } from './job-files.js';
import { placeOnce } from './place-once.js';

function moduleDir(): string {
  const url = (import.meta as { url?: string }).url;
  return url ? dirname(fileURLToPath(url)) : __dirname;
}

/** Packages the bundled worker leaves external (scripts/build-main.mjs) and loads on the node. */
const RUNTIME_PACKAGES = ['@tensorflow/tfjs-backend-wasm', 'webgpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];

/** The nearest node_modules/<name> above `from`, Node's own lookup order. */
function findPackage(from: string, name: string): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    for (const base of [join(dir, 'node_modules'), join(dir, 'app.asar.unpacked', 'node_modules')]) {
      if (existsSync(join(base, name, 'package.json'))) return join(base, name);
    }
    if (dirname(dir) === dir) return null;
  }
}

/** A package and everything it depends on, each found where Node would find it. */
function packageClosure(from: string, roots: string[]): Map<string, string> {
  const found = new Map<string, string>();
  const visit = (name: string, base: string) => {
    if (found.has(name)) return;
    const dir = findPackage(base, name);
    if (!dir) return;
    found.set(name, dir);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies })) visit(dep, dir);
  };
  for (const r of roots) visit(r, from);
  return found;
}

async function packBundle(entry: string, sharedDir: string): Promise<string> {
  const hash = createHash('sha256').update(readFileSync(entry)).digest('hex').slice(0, 16);
  return placeOnce(join(sharedDir, WID_FOLDER, 'bundle', hash), entry, async (tmp) => {
    await cp(entry, join(tmp, 'slurm-job.cjs'));
    for (const [name, dir] of packageClosure(dirname(entry), RUNTIME_PACKAGES)) {
      await cp(dir, join(tmp, 'node_modules', name), { recursive: true, dereference: true });
    }
  });
}

/** The worker's command line on the cluster (without the job folder argument). */
export async function workerCommand(node: string, paths: SharedPaths, sharedDir: string): Promise<{ argv: string[]; note: string }> {
  const here = moduleDir();
  const override = process.env.WID_SLURM_JOB_ENTRY;
  const source = resolve(here, '../../worker/slurm-job.ts');
  // beside this bundle, or one folder up (the Electron main bundle lives in dist/main/electron/)
  const bundled = [join(here, 'slurm-job.cjs'), join(here, '..', 'slurm-job.cjs')].find((f) => existsSync(f)) ?? join(here, 'slurm-job.cjs');
  const entry = override ? resolve(override) : existsSync(source) ? source : bundled;
  if (!existsSync(entry)) throw new Error(`the SLURM job worker ${entry} is missing (build with npm run build, or set WID_SLURM_JOB_ENTRY)`);
  if (entry.endsWith('.ts')) {
    const tsx = (import.meta as { resolve?: (s: string) => string }).resolve?.('tsx') ?? 'tsx';
    return { argv: [node, '--import', tsx, entry], note: `job worker from source: ${entry} (the nodes must see this checkout)` };
  }
  const dir = await packBundle(entry, sharedDir);
  return { argv: [node, paths.toRemote(join(dir, 'slurm-job.cjs'))], note: `job worker bundle: ${dir}` };
}
