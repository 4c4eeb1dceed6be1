// Reads what the store records about a model folder (config.json + model.safetensors): the HF
// config, the parameter count from the safetensors header, and the folder's size on disk.
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { bertConfigFromHf, bertParameterShapes, type BertConfig } from '../../engine/bert/index.js';
import { ourWeightName } from '../../engine/checkpoint/hf-names.js';
import { modelFamilyOf } from '../../engine/checkpoint/load-any-model.js';
import { ALBERT_FAMILY, familyWeightName, MOBILEBERT_FAMILY } from '../../engine/checkpoint/families.js';
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

/** model.safetensors, or the shards a model.safetensors.index.json names. */
function weightFiles(path: string): string[] {
  const single = join(path, 'model.safetensors');
  if (existsSync(single)) return [single];
  const index = join(path, 'model.safetensors.index.json');
  if (!existsSync(index)) {
    const hint = existsSync(join(path, 'pytorch_model.bin')) ? ' (only pytorch_model.bin found: re-save with safe_serialization=True)' : '';
    throw new ModelFolderError(`${single} is missing: expected the weights as safetensors${hint}`);
  }
  let map: unknown;
  try { map = (JSON.parse(readFileSync(index, 'utf8')) as { weight_map?: unknown }).weight_map; }
  catch (err) { throw new ModelFolderError(`${index} is not valid JSON: ${(err as Error).message}`); }
  if (!map || typeof map !== 'object') throw new ModelFolderError(`${index} lacks a "weight_map" object`);
  const files = [...new Set(Object.values(map as Record<string, string>))].map((f) => join(path, f));
  for (const f of files) if (!existsSync(f)) throw new ModelFolderError(`${f} is missing: ${index} names it`);
  return files;
}

export function inspectModelFolder(path: string): ModelFolderInfo {
  if (!existsSync(path) || !statSync(path).isDirectory()) throw new ModelFolderError(`${path}: expected a folder holding config.json and model.safetensors`);
  const configFile = join(path, 'config.json');
  if (!existsSync(configFile)) throw new ModelFolderError(`${configFile} is missing: expected a Hugging Face BERT, ALBERT or MobileBERT config.json`);
  let config: Record<string, unknown>;
  try { config = JSON.parse(readFileSync(configFile, 'utf8')); }
  catch (err) { throw new ModelFolderError(`${configFile} is not valid JSON: ${(err as Error).message}`); }
  let family: 'bert' | 'albert' | 'mobilebert';
  try { family = modelFamilyOf(config, configFile); }
  catch (err) { throw new ModelFolderError((err as Error).message); }
  // the base model's tensors (embeddings + encoder) each family's config.json implies, under our names
  let expectedShapes: Record<string, number[]>;
  let nameOf: (fileName: string) => string | null;
  try {
    if (family === 'bert') {
      const bert: BertConfig = bertConfigFromHf(config);
      expectedShapes = bertParameterShapes(bert, {});
      nameOf = ourWeightName;
    } else {
      const spec = family === 'albert' ? ALBERT_FAMILY : MOBILEBERT_FAMILY;
      expectedShapes = family === 'albert' ? ALBERT_FAMILY.shapes(ALBERT_FAMILY.configFromHf(config), {})
        : MOBILEBERT_FAMILY.shapes(MOBILEBERT_FAMILY.configFromHf(config), {});
      nameOf = (n) => familyWeightName(spec as typeof ALBERT_FAMILY, n);
    }
  } catch (err) {
    throw new ModelFolderError(`${configFile} is not a valid ${family === 'bert' ? 'BERT' : family === 'albert' ? 'ALBERT' : 'MobileBERT'} config: ${(err as Error).message}`);
  }
  // Header only (never the tensor data), so registering a large model is instant; loading and a
  // forward pass are what models.smokeTest checks.
  const shapes: Record<string, { shape: number[]; file: string }> = {};
  for (const file of weightFiles(path)) {
    for (const [fileName, shape] of Object.entries(readSafetensorsShapes(file))) {
      const name = nameOf(fileName);
      if (name !== null) shapes[name] = { shape, file };
    }
  }
  for (const [name, expected] of Object.entries(expectedShapes)) {
    const got = shapes[name];
    if (!got) throw new ModelFolderError(`${join(path, 'model.safetensors')}: tensor "${name}" is missing (config.json implies shape [${expected.join(', ')}])`);
    if (got.shape.join() !== expected.join()) {
      throw new ModelFolderError(`${got.file}: tensor "${name}" has shape [${got.shape.join(', ')}] but config.json implies [${expected.join(', ')}]`);
    }
  }
  const parameterCount = Object.values(shapes).reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
  return { config, parameterCount, fileSize: digestPath(path).size };
}
