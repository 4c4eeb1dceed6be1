// Reads a job's events file (one JSON message per line, appended by the job) from a byte offset: only complete
// lines, each with the offset just after it, so the caller records a message and then remembers that offset.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export interface TailedLine { message: unknown; end: number }

const MAX_READ = 4 << 20;

/** Lines that are not JSON (half a line of a killed attempt) are skipped. A missing file reads as nothing yet. */
export function readEvents(file: string, offset: number): TailedLine[] {
  let fd: number;
  try { fd = openSync(file, 'r'); } catch { return []; }
  try {
    const size = fstatSync(fd).size;
    if (size <= offset) return [];
    const buf = Buffer.alloc(Math.min(size - offset, MAX_READ));
    const n = readSync(fd, buf, 0, buf.length, offset);
    const out: TailedLine[] = [];
    let start = 0;
    for (let i = 0; i < n; i++) {
      if (buf[i] !== 0x0a) continue;
      const text = buf.subarray(start, i).toString('utf8').trim();
      start = i + 1;
      let message: unknown;
      try { message = text ? JSON.parse(text) : undefined; } catch { message = undefined; }
      out.push({ message, end: offset + start });
    }
    return out;
  } finally {
    closeSync(fd);
  }
}
