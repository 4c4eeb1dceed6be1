// A safetensors file's JSON header read on its own (8-byte little-endian length, then JSON), without the tensor
// data: enough to tell a whole file from a truncated one and to read a training checkpoint's metadata.
import { closeSync, openSync, readSync, statSync } from 'node:fs';

export interface SafetensorsHeader {
  /** The header's `__metadata__` (string values). */
  metadata: Record<string, string>;
  /** Bytes the file must have for every tensor the header lists. */
  expectedSize: number;
  size: number;
}

/** The header, or a sentence saying why it cannot be read. */
export function readSafetensorsHeader(file: string): SafetensorsHeader | { problem: string } {
  let fd: number;
  try { fd = openSync(file, 'r'); } catch (err) { return { problem: `${file}: cannot read (${(err as Error).message})` }; }
  try {
    const size = statSync(file).size;
    const lenBuf = Buffer.alloc(8);
    if (size < 8 || readSync(fd, lenBuf, 0, 8, 0) !== 8) return { problem: `${file} is truncated: ${size} bytes, not even a header` };
    const len = Number(lenBuf.readBigUInt64LE(0));
    if (len <= 0 || 8 + len > size) return { problem: `${file} is truncated: its header alone needs ${8 + len} bytes, the file has ${size}` };
    const header = Buffer.alloc(len);
    readSync(fd, header, 0, len, 8);
    let json: Record<string, { data_offsets?: unknown } | Record<string, string>>;
    try { json = JSON.parse(header.toString('utf8')); } catch { return { problem: `${file}: header is not valid JSON` }; }
    let end = 0;
    for (const [name, entry] of Object.entries(json)) {
      const offsets = (entry as { data_offsets?: unknown }).data_offsets;
      if (name !== '__metadata__' && Array.isArray(offsets)) end = Math.max(end, Number(offsets[1]) || 0);
    }
    return { metadata: (json.__metadata__ ?? {}) as Record<string, string>, expectedSize: 8 + len + end, size };
  } finally {
    closeSync(fd);
  }
}

/** "…is truncated: N of M bytes" when the file is shorter than its header says, else null. */
export function truncation(file: string, h: SafetensorsHeader): string | null {
  if (h.size >= h.expectedSize) return null;
  return `${file} is truncated: its header describes ${h.expectedSize.toLocaleString('en-US')} bytes, the file has ${h.size.toLocaleString('en-US')} `
    + `(${((100 * h.size) / h.expectedSize).toFixed(1)} %)`;
}
