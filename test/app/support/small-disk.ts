// A real small disk for full-disk tests: a tmpfs mounted on a temp folder (tests run as root here and in CI).
// Where mount is not permitted the tests skip, saying why.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmallDisk { dir: string; unmount(): void }

/** Mounts a tmpfs of `sizeMiB` MiB; returns null with the reason when this machine does not allow it. */
export function mountSmallDisk(sizeMiB: number): SmallDisk | { skip: string } {
  const dir = mkdtempSync(join(tmpdir(), 'wid-small-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    return { skip: `cannot mount a ${sizeMiB} MiB tmpfs here (${String((err as { stderr?: unknown }).stderr ?? (err as Error).message).trim()}); run as root to test a full disk` };
  }
  return {
    dir,
    unmount() {
      try { execFileSync('umount', ['-l', dir], { stdio: 'pipe' }); } catch { /* already gone */ }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes `path` until the disk refuses another byte (ENOSPC); returns how many bytes it took. */
export function fillDisk(path: string): number {
  const fd = openSync(path, 'w');
  let written = 0;
  try {
    for (let chunk = 1 << 20; chunk >= 1; chunk >>= 1) {
      const buf = Buffer.alloc(chunk, 1);
      for (;;) {
        try { written += writeSync(fd, buf); } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw err;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return written;
}
