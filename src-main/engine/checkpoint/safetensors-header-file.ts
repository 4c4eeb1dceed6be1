// A safetensors file's header read on its own (never the tensor data) through RegularFile: a regular file, off the
// event loop with a timeout, the header validated completely against the file's size (validateSafetensorsHeader),
// so a truncated file, overlapping ranges or a lying length are errors naming the file and the tensor.
import { RegularFile, RegularFileError } from '../io/regular-file.js';
import { safetensorsHeaderLength, validateSafetensorsHeader, type SafetensorsHeader } from './safetensors.js';

export interface SafetensorsHeaderFile extends SafetensorsHeader {
  /** The file's size in bytes. */
  size: number;
}

/**
 * The validated header of `file`. A header longer than `maxHeaderBytes` is a RegularFileError 'too_large' (it is
 * parsed on the caller's thread); every other problem an Error naming the file.
 */
export async function readSafetensorsHeaderFile(file: string, maxHeaderBytes: number): Promise<SafetensorsHeaderFile> {
  const f = await RegularFile.open(file, 'safetensors weights');
  try {
    const len = safetensorsHeaderLength(await f.read(0, 8), f.size, file);
    if (len > maxHeaderBytes) {
      throw new RegularFileError('too_large', `${file}: the header claims ${len} bytes; expected at most ${maxHeaderBytes}`, file);
    }
    let json: unknown;
    try { json = JSON.parse((await f.read(8, len)).toString('utf8')); }
    catch { throw new Error(`${file}: header is not valid JSON (not a safetensors file?)`); }
    return { ...validateSafetensorsHeader(json, 8 + len, f.size, file), size: f.size };
  } finally {
    await f.close();
  }
}
