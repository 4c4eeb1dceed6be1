// Registration-time check that a corpus file looks like text: a NUL byte or bytes that are not UTF-8 in its
// first 64 KiB (a model file, an archive, a UTF-16 export) get a warning naming the file and line, stored
// with the dataset's stats, instead of a run that later trains on garbage or finds no text at all.
import { closeSync, openSync, readSync } from 'node:fs';

const SAMPLE_BYTES = 1 << 16;

export function textFileWarning(file: string): string | null {
  const fd = openSync(file, 'r');
  let sample: Buffer;
  try {
    const buf = Buffer.alloc(SAMPLE_BYTES);
    sample = buf.subarray(0, readSync(fd, buf, 0, SAMPLE_BYTES, 0));
  } finally {
    closeSync(fd);
  }
  const lineAt = (offset: number) => sample.subarray(0, offset).filter((b) => b === 0x0a).length + 1;
  const nul = sample.indexOf(0);
  if (nul >= 0) return `${file}:${lineAt(nul)}: NUL byte: this looks like a binary file, not text (one document or sentence per line)`;
  try {
    // stream: true, so a character cut at the end of the sample is not an error
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
  } catch {
    const text = sample.toString('utf8');
    const bad = text.indexOf('\uFFFD');
    const line = bad < 0 ? 1 : text.slice(0, bad).split('\n').length;
    return `${file}:${line}: bytes that are not UTF-8: expected a UTF-8 text file (they would be read as U+FFFD)`;
  }
  return null;
}
