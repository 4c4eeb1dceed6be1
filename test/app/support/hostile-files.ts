// Model folders and files an attacker or an unlucky archive could hand the server: lying safetensors
// headers, FIFOs, links to devices, sparse giants. Built from the tiny teacher fixture, so everything but
// the planted problem is valid.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const TINY = resolve('test/fixtures/bert/tiny-teacher');

interface Entry { dtype: string; shape: number[]; data_offsets: [number, number] }

/** The tiny teacher's header and data section. */
export function tinyWeights(): { header: Record<string, Entry | Record<string, string>>; data: Buffer } {
  const bytes = readFileSync(join(TINY, 'model.safetensors'));
  const len = Number(bytes.readBigUInt64LE(0));
  return { header: JSON.parse(bytes.subarray(8, 8 + len).toString('utf8')), data: bytes.subarray(8 + len) };
}

export function safetensorsBytes(header: object, data: Buffer): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, json, data]);
}

/** A copy of the tiny teacher in `dir` whose model.safetensors is `weights` (config.json and vocab.txt unchanged). */
export function modelFolder(dir: string, weights?: Buffer): string {
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(TINY, 'config.json'), join(dir, 'config.json'));
  copyFileSync(join(TINY, 'vocab.txt'), join(dir, 'vocab.txt'));
  if (weights) writeFileSync(join(dir, 'model.safetensors'), weights);
  else copyFileSync(join(TINY, 'model.safetensors'), join(dir, 'model.safetensors'));
  return dir;
}

/** Every tensor's data_offsets start at byte 0: the header is valid JSON, shapes and lengths agree, the data is garbage. */
export function allAtByteZero(): Buffer {
  const { header, data } = tinyWeights();
  let longest = 0;
  for (const [name, e] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const entry = e as Entry;
    const n = entry.data_offsets[1] - entry.data_offsets[0];
    entry.data_offsets = [0, n];
    longest = Math.max(longest, n);
  }
  return safetensorsBytes(header, data.subarray(0, longest));
}

/** One tensor's range moved past the end of the data section (its length still matches its shape). */
export function rangePastTheEnd(): Buffer {
  const { header, data } = tinyWeights();
  const [name, e] = Object.entries(header).find(([n]) => n !== '__metadata__')!;
  const entry = e as Entry;
  const n = entry.data_offsets[1] - entry.data_offsets[0];
  header[name] = { ...entry, data_offsets: [data.length, data.length + n] };
  return safetensorsBytes(header, data);
}

/** A header length field of 2^40 bytes in a small file. */
export function hugeHeaderLength(): Buffer {
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(1n << 40n);
  return Buffer.concat([len, Buffer.from('{}')]);
}

export function fifo(path: string): string {
  execFileSync('mkfifo', [path]);
  return path;
}

export function linkTo(target: string, path: string): string {
  symlinkSync(target, path);
  return path;
}

/** A file of `bytes` bytes that takes no disk space (a hole). */
export function sparse(path: string, bytes: number): string {
  writeFileSync(path, '');
  truncateSync(path, bytes);
  return path;
}
