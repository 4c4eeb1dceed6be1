// model.safetensors.index.json: {"weight_map": {tensor name: shard file name}}. The shard names come from
// a file someone else wrote, so each must be a plain relative name inside the model folder (no absolute
// path, no "..", no NUL): an index must not make us read /etc/passwd or another model's weights.
import { isAbsolute, join, relative, resolve } from 'node:path';

/** Largest index we read: bert-large's is ~20 KB; a 7B LLM's ~30 KB. */
export const MAX_SHARD_INDEX_BYTES = 16 * 1024 * 1024;

/** The distinct shard files an index names, as paths inside `dir`, in the order they first appear. */
export function shardFiles(dir: string, indexText: string, indexPath: string): string[] {
  let parsed: unknown;
  try { parsed = JSON.parse(indexText); }
  catch (err) { throw new Error(`${indexPath} is not valid JSON: ${(err as Error).message}`); }
  const map = (parsed as { weight_map?: unknown } | null)?.weight_map;
  if (!map || typeof map !== 'object' || Array.isArray(map)) throw new Error(`${indexPath} lacks a "weight_map" object`);
  const files: string[] = [];
  for (const [tensor, file] of Object.entries(map)) {
    if (typeof file !== 'string' || file === '' || file.includes('\0')) {
      throw new Error(`${indexPath}: weight_map["${tensor}"] is ${JSON.stringify(file)}; expected the name of a shard file`);
    }
    const path = resolve(dir, file);
    const rel = relative(resolve(dir), path);
    if (isAbsolute(file) || rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
      throw new Error(`${indexPath}: weight_map["${tensor}"] names ${JSON.stringify(file)}, outside the model folder; expected a shard file inside ${dir}`);
    }
    const inside = join(dir, rel);
    if (!files.includes(inside)) files.push(inside);
  }
  if (files.length === 0) throw new Error(`${indexPath}: "weight_map" names no shard file`);
  return files;
}
