// A file or folder written into the shared folder once: whole or not at all (written beside it, renamed into place,
// then marked `<dest>.complete`), and shared by concurrent callers of this process (a group's runs submitted together).
import { existsSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';

const inFlight = new Map<string, Promise<string>>();

/** `dest` when it is complete already; else `fill(tmp)` writes it at a temporary path that then replaces `dest`. */
export function placeOnce(dest: string, note: string, fill: (tmp: string) => Promise<void>): Promise<string> {
  if (existsSync(`${dest}.complete`)) return Promise.resolve(dest);
  let placing = inFlight.get(dest);
  if (!placing) {
    placing = place(dest, note, fill).finally(() => inFlight.delete(dest));
    inFlight.set(dest, placing);
  }
  return placing;
}

async function place(dest: string, note: string, fill: (tmp: string) => Promise<void>): Promise<string> {
  const tmp = `${dest}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await fill(tmp);
  await rm(dest, { recursive: true, force: true });
  await rename(tmp, dest);
  await writeFile(`${dest}.complete`, `${note}\n`);
  return dest;
}
