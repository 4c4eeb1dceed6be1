// Reads what the store records about a model folder (config.json + model.safetensors): the HF
// config, the parameter count from the safetensors header, and the folder's size on disk.
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { bertConfigFromHf } from '../../engine/bert/index.js';
import { digestPath } from './file-digest.js';

export class ModelFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFolderError';
  }
}

export interface ModelFolderInfo { config: Record<string, unknown>; parameterCount: number; fileSize: number }

/** Tensor name -> shape from a safetensors file's JSON header (8-byte little-endian length, then JSON). */
export function readSafetensorsShapes(file: string): Record<string, number[]> {
  const fd = openSync(file, 'r');
  try {
    const size = statSync(file).size;
    const lenBuf = Buffer.alloc(8);
    if (size < 8 || readSync(fd, lenBuf, 0, 8, 0) !== 8) throw new ModelFolderError(`${file}: too short to be a safetensors file`);
    const len = Number(lenBuf.readBigUInt64LE(0));
    if (len <= 0 || 8 + len > size) throw new ModelFolderError(`${file}: header length ${len} does not fit the file size ${size} (not a safetensors file?)`);
    const header = Buffer.alloc(len);
    readSync(fd, header, 0, len, 8);
    let json: Record<string, { shape?: unknown }>;
    try { json = JSON.parse(header.toString('utf8')); }
    catch { throw new ModelFolderError(`${file}: header is not valid JSON (not a safetensors file?)`); }
    const shapes: Record<string, number[]> = {};
    for (const [name, entry] of Object.entries(json)) {
      if (name === '__metadata__') continue;
      if (!Array.isArray(entry?.shape)) throw new ModelFolderError(`${file}: tensor "${name}" has no shape in the header`);
      shapes[name] = entry.shape as number[];
    }
    return shapes;
  } finally {
    closeSync(fd);
  }
}

export function inspectModelFolder(path: string): ModelFolderInfo {
  if (!existsSync(path) || !statSync(path).isDirectory()) throw new ModelFolderError(`${path}: expected a folder holding config.json and model.safetensors`);
  const configFile = join(path, 'config.json');
  if (!existsSync(configFile)) throw new ModelFolderError(`${configFile} is missing: expected a Hugging Face BERT config.json`);
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(readFileSync(configFile, 'utf8'));
    bertConfigFromHf(config);
  } catch (err) {
    throw new ModelFolderError(`${configFile} is not a valid BERT config: ${(err as Error).message}`);
  }
  const weightsFile = join(path, 'model.safetensors');
  if (!existsSync(weightsFile)) throw new ModelFolderError(`${weightsFile} is missing: expected the weights as safetensors`);
  const shapes = readSafetensorsShapes(weightsFile);
  const parameterCount = Object.values(shapes).reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);
  return { config, parameterCount, fileSize: digestPath(path).size };
}
