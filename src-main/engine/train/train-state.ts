// Training checkpoints: one safetensors file per saved step (readable by any safetensors tool) holding
// the trainable variables ("param/<name>"), AdamW moments ("adam.m/<name>", "adam.v/<name>") and the
// method's tensors ("method/<key>"); everything else (step, RNG, corpus position, method JSON, running
// totals) is JSON in the header metadata under "wid.train". Written to a temp file, fsynced, then
// renamed, so a crash mid-write leaves the previous checkpoint as the latest valid one. The last
// `keep` checkpoints are kept.
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { writeError } from '../checkpoint/write-error.js';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { parseSafetensors, serializeSafetensors, type TensorToWrite } from '../checkpoint/safetensors.js';

export const CHECKPOINT_FORMAT = 'wid-train-checkpoint/1';
const FILE_PATTERN = /^step-(\d{9})\.safetensors$/;

export interface TrainCheckpoint<Meta> {
  step: number;
  /** Tensor groups by prefix: param, adam.m, adam.v, method. */
  tensors: Record<string, tf.Tensor>;
  meta: Meta;
}

export function checkpointPath(dir: string, step: number): string {
  return join(dir, `step-${String(step).padStart(9, '0')}.safetensors`);
}

/** Saved checkpoints in `dir`, oldest first (temp files of an interrupted write are not listed). */
export function listCheckpoints(dir: string): { step: number; path: string }[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .map((n) => ({ m: FILE_PATTERN.exec(n), n }))
    .filter((x) => x.m)
    .map((x) => ({ step: Number(x.m![1]), path: join(dir, x.n) }))
    .sort((a, b) => a.step - b.step);
}

async function toWritable(name: string, t: tf.Tensor): Promise<TensorToWrite> {
  if (t.isDisposed) throw new Error(`checkpoint tensor "${name}" is disposed`);
  const data = await t.data(); // async read: works on backends without synchronous reads (webgpu in Node)
  if (t.dtype === 'float32') return { shape: t.shape, data: data as Float32Array };
  if (t.dtype === 'int32' || t.dtype === 'bool') return { shape: t.shape, data: Int32Array.from(data as ArrayLike<number>) };
  throw new Error(`checkpoint tensor "${name}" has dtype ${t.dtype}; only float32/int32/bool are saved`);
}

/** Writes `<dir>/step-NNNNNNNNN.safetensors` atomically and prunes all but the newest `keep`. Returns the path. */
export async function writeCheckpoint<Meta>(dir: string, ckpt: TrainCheckpoint<Meta>, keep = 2): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const writable: Record<string, TensorToWrite> = {};
  for (const [name, t] of Object.entries(ckpt.tensors)) writable[name] = await toWritable(name, t);
  const bytes = serializeSafetensors(writable, {
    format: CHECKPOINT_FORMAT,
    'wid.train': JSON.stringify({ step: ckpt.step, meta: ckpt.meta }),
  });
  const path = checkpointPath(dir, ckpt.step);
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw writeError(err, 'checkpoint', path, 'the previous checkpoint is kept: free space and resume the run');
  }
  pruneCheckpoints(dir, keep);
  return path;
}

/** Deletes all but the newest `keep` (at least 1) checkpoints in `dir`. */
export function pruneCheckpoints(dir: string, keep: number): void {
  const all = listCheckpoints(dir);
  for (const old of all.slice(0, Math.max(0, all.length - Math.max(1, keep)))) rmSync(old.path, { force: true });
}

/** Reads a checkpoint; a truncated or foreign file is an error naming it. The caller disposes the tensors. */
export function readCheckpoint<Meta>(path: string): TrainCheckpoint<Meta> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new Error(`checkpoint ${path}: cannot read (${(err as Error).message})`);
  }
  let file;
  try {
    file = parseSafetensors(bytes, `checkpoint ${path}`);
  } catch (err) {
    throw new Error(`${(err as Error).message}; delete it to resume from the previous checkpoint`);
  }
  if (file.metadata.format !== CHECKPOINT_FORMAT || typeof file.metadata['wid.train'] !== 'string') {
    throw new Error(`checkpoint ${path}: not a WID training checkpoint (metadata format ${JSON.stringify(file.metadata.format)}, expected "${CHECKPOINT_FORMAT}")`);
  }
  let header: { step: number; meta: Meta };
  try {
    header = JSON.parse(file.metadata['wid.train']);
  } catch (err) {
    throw new Error(`checkpoint ${path}: training state JSON is corrupt (${(err as Error).message})`);
  }
  const tensors: Record<string, tf.Tensor> = {};
  for (const [name, t] of file.tensors) {
    tensors[name] = t.data instanceof Float32Array ? tf.tensor(t.data, t.shape, 'float32') : tf.tensor(t.data, t.shape, 'int32');
  }
  return { step: header.step, tensors, meta: header.meta };
}

/** The newest checkpoint in `dir`, or null when there is none. */
export function readLatestCheckpoint<Meta>(dir: string): TrainCheckpoint<Meta> | null {
  const all = listCheckpoints(dir);
  return all.length ? readCheckpoint<Meta>(all[all.length - 1].path) : null;
}

/** Tensors whose name starts with `<group>/`, keyed by the rest of the name. */
export function tensorGroup(tensors: Record<string, tf.Tensor>, group: string): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  const prefix = `${group}/`;
  for (const [name, t] of Object.entries(tensors)) if (name.startsWith(prefix)) out[name.slice(prefix.length)] = t;
  return out;
}
