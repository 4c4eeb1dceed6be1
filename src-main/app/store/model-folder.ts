// Reads what the store records about a model folder (config.json + model.safetensors): the HF config,
// the parameter count from the safetensors header, and the model's size on disk. Only config.json, each
// weight file's header (never its tensor data), the shard index and vocab.txt's size are read, each as a
// regular file with a size limit, off the event loop with a timeout (engine/io/regular-file.ts): a folder
// holding a FIFO, a link to /dev/zero or a 3 GB stray file registers (or is refused) at once.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { modelFamilyOf } from '../../engine/checkpoint/load-any-model.js';
import { FAMILY_SPECS, familyWeightName, type FamilyConfigBase, type FamilySpec, type ModelFamily } from '../../engine/checkpoint/families.js';
import { MAX_CONFIG_BYTES } from '../../engine/checkpoint/folder-files.js';
import { readSafetensorsHeaderFile } from '../../engine/checkpoint/safetensors-header-file.js';
import { MAX_SHARD_INDEX_BYTES, shardFiles } from '../../engine/checkpoint/shard-index.js';
import { RegularFile, RegularFileError, readRegularFile } from '../../engine/io/regular-file.js';

export class ModelFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFolderError';
  }
}

/** A header larger than this is refused at registration (BERT-large's is ~40 KB): it is parsed on the server's thread. */
export const MAX_REGISTERED_HEADER_BYTES = 16 * 1024 * 1024;
/** vocab.txt of bert-base is 226 KB; a multilingual vocabulary ~1 MB. */
export const MAX_VOCAB_BYTES = 16 * 1024 * 1024;

/** Tokenizer files besides vocab.txt that belong to a model folder (only their sizes are read). */
const TOKENIZER_FILES = ['tokenizer_config.json', 'tokenizer.json', 'special_tokens_map.json'];

export interface ModelFolderInfo { config: Record<string, unknown>; parameterCount: number; fileSize: number }

const exists = async (path: string) => { try { await stat(path); return true; } catch { return false; } };

/** Tensor name -> shape from a safetensors file's header, which is checked completely against the file's size. */
export async function readSafetensorsShapes(file: string): Promise<{ shapes: Record<string, number[]>; size: number }> {
  const { entries, size } = await readSafetensorsHeaderFile(file, MAX_REGISTERED_HEADER_BYTES);
  const shapes: Record<string, number[]> = {};
  for (const [name, e] of entries) shapes[name] = e.shape;
  return { shapes, size };
}

/** model.safetensors, or the shards a model.safetensors.index.json names (inside the folder); also the index itself. */
async function weightFiles(path: string): Promise<{ files: string[]; index?: string }> {
  const single = join(path, 'model.safetensors');
  if (await exists(single)) return { files: [single] };
  const index = join(path, 'model.safetensors.index.json');
  if (!(await exists(index))) {
    const hint = (await exists(join(path, 'pytorch_model.bin'))) ? ' (only pytorch_model.bin found: re-save with safe_serialization=True)' : '';
    throw new ModelFolderError(`${single} is missing: expected the weights as safetensors${hint}`);
  }
  const text = (await readRegularFile(index, 'a shard index (JSON)', MAX_SHARD_INDEX_BYTES)).toString('utf8');
  const files = shardFiles(path, text, index);
  for (const f of files) if (!(await exists(f))) throw new ModelFolderError(`${f} is missing: ${index} names it`);
  return { files, index };
}

function baseShapes<C extends FamilyConfigBase, A extends string>(spec: FamilySpec<C, A>, config: unknown): Record<string, number[]> {
  return spec.shapes(spec.configFromHf(config), {});
}

async function inspect(path: string): Promise<ModelFolderInfo> {
  let folder;
  try { folder = await stat(path); } catch { folder = null; }
  if (!folder?.isDirectory()) throw new ModelFolderError(`${path}: expected a folder holding config.json and model.safetensors`);
  const configFile = join(path, 'config.json');
  if (!(await exists(configFile))) throw new ModelFolderError(`${configFile} is missing: expected a Hugging Face BERT, ALBERT or MobileBERT config.json`);
  const configBytes = await readRegularFile(configFile, 'a model config.json', MAX_CONFIG_BYTES);
  let config: Record<string, unknown>;
  try { config = JSON.parse(configBytes.toString('utf8')); }
  catch (err) { throw new ModelFolderError(`${configFile} is not valid JSON: ${(err as Error).message}`); }
  let family: ModelFamily;
  try { family = modelFamilyOf(config, configFile); }
  catch (err) { throw new ModelFolderError((err as Error).message); }
  // the base model's tensors (embeddings + encoder) each family's config.json implies, under our names
  const spec = FAMILY_SPECS[family];
  let expectedShapes: Record<string, number[]>;
  try {
    expectedShapes = baseShapes(spec, config);
  } catch (err) {
    throw new ModelFolderError(`${configFile} is not a valid ${family === 'bert' ? 'BERT' : family === 'albert' ? 'ALBERT' : 'MobileBERT'} config: ${(err as Error).message}`);
  }
  // Headers only (never the tensor data), so registering a large model is instant; loading and a
  // forward pass are what models.smokeTest checks.
  const shapes: Record<string, { shape: number[]; file: string }> = {};
  const { files, index } = await weightFiles(path);
  let fileSize = configBytes.length;
  for (const file of files) {
    const read = await readSafetensorsShapes(file);
    fileSize += read.size;
    for (const [fileName, shape] of Object.entries(read.shapes)) {
      const name = familyWeightName(spec, fileName);
      if (name !== null) shapes[name] = { shape, file };
    }
  }
  if (index) fileSize += (await stat(index)).size;
  for (const [name, expected] of Object.entries(expectedShapes)) {
    const got = shapes[name];
    if (!got) throw new ModelFolderError(`${join(path, 'model.safetensors')}: tensor "${name}" is missing (config.json implies shape [${expected.join(', ')}])`);
    if (got.shape.join() !== expected.join()) {
      throw new ModelFolderError(`${got.file}: tensor "${name}" has shape [${got.shape.join(', ')}] but config.json implies [${expected.join(', ')}]`);
    }
  }
  // vocab.txt is optional; when present it must be a regular file the tokenizer can read (checked, not read).
  const vocab = join(path, 'vocab.txt');
  if (await exists(vocab)) {
    const v = await RegularFile.open(vocab, 'a WordPiece vocab.txt', { maxBytes: MAX_VOCAB_BYTES });
    fileSize += v.size;
    await v.close();
  }
  // the tokenizer's other files count toward the model's size (stat only; a FIFO or device there counts nothing)
  for (const name of TOKENIZER_FILES) {
    try { const st = await stat(join(path, name)); if (st.isFile()) fileSize += st.size; } catch { /* absent */ }
  }
  const parameterCount = Object.values(shapes).reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
  return { config, parameterCount, fileSize };
}

/**
 * The config, parameter count and size (config.json, weights, shard index, vocab.txt and tokenizer files, not
 * other files of the folder) of a model folder. Every
 * problem is a ModelFolderError naming the file, or a RegularFileError (not a regular file, too large,
 * unreadable, too slow) the service maps to 400/413.
 */
export async function inspectModelFolder(path: string): Promise<ModelFolderInfo> {
  try {
    return await inspect(path);
  } catch (err) {
    if (err instanceof ModelFolderError || err instanceof RegularFileError) throw err;
    // header and index checks throw plain Errors naming the file
    throw new ModelFolderError((err as Error).message);
  }
}
