// Where a run's student lives (its latest 'student' artifact, an HF folder) and how it is copied
// out to a folder the user chose: the whole folder appears at once (copy to a temp sibling, rename).
import { cpSync, existsSync, readdirSync, renameSync, rmSync, rmdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { RunRecord } from '../../shared/api/types.js';
import type { Store } from '../store/index.js';
import { badRequest, conflict } from './validate.js';

export function studentFolder(store: Store, run: RunRecord): string {
  const students = store.artifacts.listForRun(run.id).filter((a) => a.kind === 'student');
  const latest = students[students.length - 1];
  if (!latest) throw conflict(`run ${run.id} (${run.method}, ${run.status}) has no student artifact: only a run that wrote a student can be exported or analysed`);
  if (!existsSync(latest.path) || !statSync(latest.path).isDirectory()) throw conflict(`run ${run.id}: student folder ${latest.path} no longer exists`);
  return latest.path;
}

export function exportStudentFolder(source: string, target: string): { path: string; files: string[] } {
  const dir = resolve(target);
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw badRequest(`dir: ${dir} is a file; expected a new or empty folder`);
    if (readdirSync(dir).length > 0) throw conflict(`dir: ${dir} is not empty; choose a new or empty folder so nothing is overwritten`);
  }
  if (!existsSync(dirname(dir))) throw badRequest(`dir: parent folder ${dirname(dir)} does not exist`);
  const tmp = join(dirname(dir), `.${basename(dir)}.tmp-${process.pid}-${Date.now()}`);
  try {
    cpSync(source, tmp, { recursive: true });
    if (existsSync(dir)) rmdirSync(dir); // empty, checked above
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return { path: dir, files: readdirSync(dir).sort() };
}
