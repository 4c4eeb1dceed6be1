// Writes a whole directory or nothing: files go into `<dir>.tmp-<pid>`, which then replaces `dir`
// by rename. An existing `dir` is moved aside first and put back if the swap fails, so a crash or a
// bad input never leaves a half-written checkpoint where a good one was.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeError } from './write-error.js';

export async function writeDirAtomically(dir: string, write: (tmpDir: string) => Promise<void>): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(dirname(dir), { recursive: true });
  mkdirSync(tmp);
  try {
    await write(tmp);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    const code = (e as NodeJS.ErrnoException)?.code;
    // I/O failures get the folder named; checks on the input (thrown before a byte is written) pass as they are
    throw typeof code === 'string' && code.startsWith('E') ? writeError(e, 'folder', dir, existsSync(dir) ? `${dir} is as it was` : 'no folder was left behind') : e;
  }
  const old = `${dir}.old-${process.pid}`;
  const hadOld = existsSync(dir);
  if (hadOld) renameSync(dir, old);
  try {
    renameSync(tmp, dir);
  } catch (e) {
    if (hadOld) renameSync(old, dir);
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  if (hadOld) rmSync(old, { recursive: true, force: true });
}
