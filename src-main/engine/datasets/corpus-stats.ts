// Line count and size of a pre-training corpus: one text file, or every .txt file under a folder.
// Counted by streaming bytes, so a multi-gigabyte corpus is not read into memory at once.
import { closeSync, openSync, readSync } from 'node:fs';
import { corpusTextFiles } from '../train/corpus.js';

export interface CorpusStats { files: number; lines: number; bytes: number }

/** Lines = newline count, plus one for a last line without a trailing newline. */
function countLines(file: string): { lines: number; bytes: number } {
  const fd = openSync(file, 'r');
  const buf = Buffer.alloc(1 << 20);
  let lines = 0, bytes = 0, last = 10;
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0;) {
      const chunk = n === buf.length ? buf : buf.subarray(0, n);
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
      bytes += n;
      last = chunk[n - 1];
    }
  } finally {
    closeSync(fd);
  }
  return { lines: lines + (bytes > 0 && last !== 10 ? 1 : 0), bytes };
}

export function corpusStats(path: string): CorpusStats {
  const files = corpusTextFiles(path);
  let lines = 0, bytes = 0;
  for (const f of files) { const c = countLines(f); lines += c.lines; bytes += c.bytes; }
  return { files: files.length, lines, bytes };
}
