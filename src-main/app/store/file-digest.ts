// Size and sha256 of an artifact. A folder (an exported HF model) is digested as the sorted list of
// its files' relative paths and contents, so the same files give the same hash wherever they live.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export interface FileDigest { size: number; sha256: string }

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(p));
    else if (entry.isFile()) out.push(p);
  }
  return out;
}

export function digestPath(path: string): FileDigest {
  const st = statSync(path); // throws ENOENT naming the path
  if (st.isFile()) {
    return { size: st.size, sha256: createHash('sha256').update(readFileSync(path)).digest('hex') };
  }
  const hash = createHash('sha256');
  let size = 0;
  for (const file of filesUnder(path).map((f) => relative(path, f)).sort()) {
    const bytes = readFileSync(join(path, file));
    size += bytes.length;
    hash.update(file.split(sep).join('/')).update('\0').update(bytes).update('\0');
  }
  return { size, sha256: hash.digest('hex') };
}
