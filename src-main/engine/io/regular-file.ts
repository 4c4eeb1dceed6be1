// Reading a file whose path a user chose (a model folder, a corpus, an unpacked archive): only a regular
// file is read (a FIFO blocks forever, /dev/zero never ends, a socket or device is not data), never more
// bytes than the caller states, and every step has a timeout, so no such file can freeze or exhaust the
// process that reads it. Files are opened O_NONBLOCK, so a file swapped for a FIFO after a check cannot
// hang the open either; the kind is checked on the open descriptor (fstat), not on the path.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** Why a file was refused: the app maps not_regular/unreadable/timeout to a bad request, too_large to 413. */
export type RegularFileProblem = 'not_regular' | 'too_large' | 'unreadable' | 'timeout';

export class RegularFileError extends Error {
  constructor(readonly problem: RegularFileProblem, message: string, readonly path: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RegularFileError';
  }
}

/** How long one open or read may take before the file is given up on (a hung network mount, a stuck device). */
export const READ_TIMEOUT_MS = 10_000;

const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

export function describeKind(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isDirectory()) return 'a folder';
  return 'not a regular file';
}

const mib = (n: number) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : `${n} bytes`);

function checkStats(st: Stats, path: string, what: string, maxBytes: number | undefined): void {
  if (!st.isFile()) throw new RegularFileError('not_regular', `${path} is ${describeKind(st)}; expected ${what} as a regular file`, path);
  if (maxBytes !== undefined && st.size > maxBytes) {
    throw new RegularFileError('too_large', `${path} is ${mib(st.size)}; expected ${what} of at most ${mib(maxBytes)}`, path);
  }
}

function unreadable(err: unknown, path: string, what: string): RegularFileError {
  if (err instanceof RegularFileError) return err;
  const code = (err as NodeJS.ErrnoException)?.code;
  const why = code === 'ENOENT' ? 'does not exist' : code === 'ENXIO' ? 'is a socket or device, not a file' : `cannot be read (${code ?? (err as Error)?.message})`;
  return new RegularFileError(code === 'ENXIO' ? 'not_regular' : 'unreadable', `${path} ${why}; expected ${what}`, path, { cause: err });
}

function withTimeout<T>(p: Promise<T>, ms: number, path: string, doing: string, onLate?: (v: T) => void): Promise<T> {
  let timer: NodeJS.Timeout;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      if (onLate) p.then(onLate, () => {});
      reject(new RegularFileError('timeout', `${path}: ${doing} took longer than ${ms / 1000} s (a hung mount or device?)`, path));
    }, ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** An open regular file, read in bounded ranges off the event loop. */
export class RegularFile {
  private constructor(readonly path: string, readonly size: number, private readonly fh: FileHandle, private readonly timeoutMs: number) {}

  /** Opens `path` for reading; refuses anything but a regular file, and files over `maxBytes` when given. */
  static async open(path: string, what: string, opts: { maxBytes?: number; timeoutMs?: number } = {}): Promise<RegularFile> {
    const timeoutMs = opts.timeoutMs ?? READ_TIMEOUT_MS;
    let fh: FileHandle;
    try {
      fh = await withTimeout(open(path, OPEN_FLAGS), timeoutMs, path, 'opening', (late) => void late.close());
    } catch (err) {
      throw unreadable(err, path, what);
    }
    try {
      const st = await withTimeout(fh.stat(), timeoutMs, path, 'stat');
      checkStats(st, path, what, opts.maxBytes);
      return new RegularFile(path, st.size, fh, timeoutMs);
    } catch (err) {
      await fh.close().catch(() => {});
      throw unreadable(err, path, what);
    }
  }

  /** Up to `length` bytes from `position` (fewer at the end of the file). */
  async read(position: number, length: number): Promise<Buffer> {
    const want = Math.max(0, Math.min(length, this.size - position));
    const buf = Buffer.alloc(want);
    let got = 0;
    while (got < want) {
      const { bytesRead } = await withTimeout(this.fh.read(buf, got, want - got, position + got), this.timeoutMs, this.path, 'reading');
      if (bytesRead === 0) break; // the file shrank since it was opened
      got += bytesRead;
    }
    return got === want ? buf : buf.subarray(0, got);
  }

  async close(): Promise<void> {
    await this.fh.close().catch(() => {});
  }
}

/** The whole of a regular file of at most `maxBytes` bytes. */
export async function readRegularFile(path: string, what: string, maxBytes: number, timeoutMs?: number): Promise<Buffer> {
  const file = await RegularFile.open(path, what, { maxBytes, timeoutMs });
  try {
    return await file.read(0, file.size);
  } finally {
    await file.close();
  }
}

/**
 * The same checks for a synchronous reader (the job worker, which has no one else to stall): a regular
 * file of at most `maxBytes`, opened non-blocking so a FIFO cannot hang it.
 */
export function readRegularFileSync(path: string, what: string, maxBytes: number): Buffer {
  let fd: number;
  try { fd = openSync(path, OPEN_FLAGS); } catch (err) { throw unreadable(err, path, what); }
  try {
    const st = fstatSync(fd);
    checkStats(st, path, what, maxBytes);
    const buf = Buffer.alloc(st.size);
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, got);
      if (n === 0) break;
      got += n;
    }
    return got === buf.length ? buf : buf.subarray(0, got);
  } catch (err) {
    throw unreadable(err, path, what);
  } finally {
    closeSync(fd);
  }
}
