// The files of a Hugging Face model folder the loader reads: config.json (size-limited JSON) and the safetensors
// weights (one model.safetensors or the shards model.safetensors.index.json names, inside the folder).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readRegularFileSync } from '../io/regular-file.js';
import { MAX_SHARD_INDEX_BYTES, shardFiles } from './shard-index.js';

/** Largest config.json we read (a real one is ~1 KB). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export function readJson(path: string, what: string, maxBytes: number): unknown {
  let text: string;
  try {
    text = readRegularFileSync(path, what, maxBytes).toString('utf8');
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${path} is not valid JSON: ${(e as Error).message}`);
  }
}

/** The safetensors files of a model directory: one file or the shards an index names. */
export function weightFiles(dir: string): string[] {
  const single = join(dir, 'model.safetensors');
  if (existsSync(single)) return [single];
  const index = join(dir, 'model.safetensors.index.json');
  if (existsSync(index)) {
    let text: string;
    try { text = readRegularFileSync(index, 'a shard index', MAX_SHARD_INDEX_BYTES).toString('utf8'); }
    catch (e) { throw new Error(`cannot read ${index}: ${(e as Error).message}`); }
    return shardFiles(dir, text, index);
  }
  if (existsSync(join(dir, 'pytorch_model.bin'))) {
    throw new Error(`${dir} has only pytorch_model.bin; we read safetensors only: re-save it with ` +
      `model.save_pretrained(dir, safe_serialization=True)`);
  }
  throw new Error(`${dir} has no model.safetensors (nor model.safetensors.index.json)`);
}
