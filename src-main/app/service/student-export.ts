// Where a run's student lives (its latest 'student' artifact, an HF folder) and how it is copied
// out to a folder the user chose: the whole folder appears at once (copy to a temp sibling, rename).
import { cpSync, existsSync, lstatSync, readdirSync, readlinkSync, renameSync, rmSync, rmdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import type { RunRecord } from '../../shared/api/types.js';
import type { Store } from '../store/index.js';
import { badRequest, conflict } from './validate.js';
import { diskFullError, isDiskFull } from './io-errors.js';

/** Bytes of the regular files under `dir` (stat only, nothing is read). */
function folderBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) n += statSync(join(e.parentPath, e.name)).size;
  return n;
}

export function studentFolder(store: Store, run: RunRecord): string {
  const students = store.artifacts.listForRun(run.id).filter((a) => a.kind === 'student');
  const latest = students[students.length - 1];
  if (!latest) throw conflict(`run ${run.id} (${run.method}, ${run.status}) has no student artifact: only a run that wrote a student can be exported or analysed`);
  if (!existsSync(latest.path) || !statSync(latest.path).isDirectory()) throw conflict(`run ${run.id}: student folder ${latest.path} no longer exists`);
  return latest.path;
}

const lstatOrNull = (path: string) => { try { return lstatSync(path); } catch { return null; } };

/** The folder a student may be exported to: new or empty, a real folder (not a link), in an existing folder. */
function checkExportTarget(dir: string): void {
  const own = lstatOrNull(dir);
  // A link (even to an empty folder, or dangling) would be replaced by the rename, or written through.
  if (own?.isSymbolicLink()) throw badRequest(`dir: ${dir} is a symbolic link (to ${readlinkSync(dir)}); choose a real new or empty folder`);
  if (own) {
    if (!own.isDirectory()) throw badRequest(`dir: ${dir} is a file; expected a new or empty folder`);
    if (readdirSync(dir).length > 0) throw conflict(`dir: ${dir} is not empty; choose a new or empty folder so nothing is overwritten`);
  }
  const parent = dirname(dir);
  if (!existsSync(parent)) throw badRequest(`dir: parent folder ${parent} does not exist`);
  if (!statSync(parent).isDirectory()) throw badRequest(`dir: ${parent} is a file, not a folder, so ${dir} cannot be made in it`);
}

/** File-system refusals that come from the chosen path (not from a bug) answer 400 naming it. */
const PATH_ERRORS = new Set(['ENOTDIR', 'EEXIST', 'ENOENT', 'EACCES', 'EPERM', 'ELOOP', 'EROFS', 'ENAMETOOLONG', 'EISDIR', 'ENOTEMPTY']);

export function exportStudentFolder(source: string, target: string): { path: string; files: string[] } {
  if (target.includes('\0')) throw badRequest('dir: the path contains a NUL character');
  // relative to what? the server's working folder is nothing the user chose
  if (!isAbsolute(target)) throw badRequest(`dir: expected an absolute folder path, got ${JSON.stringify(target.slice(0, 200))}`);
  const dir = resolve(target);
  checkExportTarget(dir);
  const tmp = join(dirname(dir), `.${basename(dir)}.tmp-${process.pid}-${Date.now()}`);
  try {
    cpSync(source, tmp, { recursive: true });
    if (existsSync(dir)) rmdirSync(dir); // empty, checked above
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    const code = (err as NodeJS.ErrnoException).code;
    if (isDiskFull(err)) {
      throw diskFullError(`exporting the student to ${dir}`, dirname(dir), err, { need: folderBytes(source), free: 'at least that much there, or choose a folder on another disk' });
    }
    if (code && PATH_ERRORS.has(code)) throw badRequest(`dir: cannot export into ${dir} (${code}: ${(err as Error).message})`);
    throw err;
  }
  return { path: dir, files: readdirSync(dir).sort() };
}
