// Size and sha256 of an artifact. A folder (an exported HF model) is digested as the sorted list of
// its files' relative paths and contents, so the same files give the same hash wherever they live.
// Files are streamed (off the event loop, in 1 MiB chunks), so digesting a 400 MB student never stalls
// the server or holds the whole file in memory; only regular files are read (see engine/io/regular-file.ts).
import { createHash, type Hash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { RegularFile } from '../../engine/io/regular-file.js';

export interface FileDigest { size: number; sha256: string }

const CHUNK = 1 << 20;

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...await filesUnder(p));
    else if (entry.isFile()) out.push(p);
  }
  return out;
}

async function hashFile(path: string, hash: Hash): Promise<number> {
  const file = await RegularFile.open(path, 'an artifact file');
  try {
    for (let pos = 0; pos < file.size; pos += CHUNK) hash.update(await file.read(pos, CHUNK));
    return file.size;
  } finally {
    await file.close();
  }
}

export async function digestPath(path: string): Promise<FileDigest> {
  const st = await stat(path); // throws ENOENT naming the path
  if (!st.isDirectory()) {
    const hash = createHash('sha256');
    const size = await hashFile(path, hash);
    return { size, sha256: hash.digest('hex') };
  }
  const hash = createHash('sha256');
  let size = 0;
  for (const file of (await filesUnder(path)).map((f) => relative(path, f)).sort()) {
    hash.update(file.split(sep).join('/')).update('\0');
    size += await hashFile(join(path, file), hash);
    hash.update('\0');
  }
  return { size, sha256: hash.digest('hex') };
}
