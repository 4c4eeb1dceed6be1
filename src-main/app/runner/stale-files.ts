// Leftovers of interrupted writes in the data folder: `<file>.tmp-<pid>` (a checkpoint, attention.json or
// student folder being written when its worker was killed) and `runs/.removed-<id>-<time>` (a run folder moved
// aside by runs.remove, whose deletion was cut short). They are removed when a run is resumed and at start-up,
// never while the process that wrote them lives (its pid is in the name) or while their run is running.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { processIsAlive } from '../store/process-identity.js';

const TEMP = /\.tmp-(\d+)(?:-\d+)?$/;
export const REMOVED_PREFIX = '.removed-';

export interface Removed { path: string; bytes: number }

function bytesOf(path: string): number {
  try {
    const st = statSync(path);
    if (!st.isDirectory()) return st.size;
    let n = 0;
    for (const e of readdirSync(path, { withFileTypes: true, recursive: true })) if (e.isFile()) n += statSync(join(e.parentPath, e.name)).size;
    return n;
  } catch {
    return 0;
  }
}

/** Removes `*.tmp-<pid>` files and folders under `dir` whose writer is gone; returns what was removed. */
export function removeStaleTempFiles(dir: string, isAlive: (pid: number) => boolean = processIsAlive): Removed[] {
  const removed: Removed[] = [];
  let entries;
  try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return removed; }
  for (const e of entries) {
    const path = join(dir, e.name);
    const m = TEMP.exec(e.name);
    if (m && !isAlive(Number(m[1]))) {
      const bytes = bytesOf(path);
      try { rmSync(path, { recursive: true, force: true }); removed.push({ path, bytes }); } catch { /* tried again next start */ }
    } else if (e.isDirectory()) {
      removed.push(...removeStaleTempFiles(path, isAlive));
    }
  }
  return removed;
}

/**
 * At start-up: run folders moved aside by an unfinished runs.remove, and temp files in the folders of runs that
 * are not running. `isRunning(id)` says whether a run's folder is in use (running, or unknown: left alone).
 */
export function sweepDataFolder(runsDir: string, isRunning: (runId: number) => boolean): Removed[] {
  const removed: Removed[] = [];
  let names: string[];
  try { names = readdirSync(runsDir); } catch { return removed; }
  for (const name of names) {
    const path = join(runsDir, name);
    if (name.startsWith(REMOVED_PREFIX)) {
      const bytes = bytesOf(path);
      try { rmSync(path, { recursive: true, force: true }); removed.push({ path, bytes }); } catch { /* next start */ }
    } else if (/^\d+$/.test(name) && !isRunning(Number(name))) {
      removed.push(...removeStaleTempFiles(path));
    }
  }
  return removed;
}

export const describeRemoved = (r: Removed[]) =>
  r.map((x) => `${x.path} (${x.bytes >= 1 << 20 ? `${(x.bytes / (1 << 20)).toFixed(1)} MiB` : `${x.bytes} bytes`})`).join(', ');
