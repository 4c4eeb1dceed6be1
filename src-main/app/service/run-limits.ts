// Limits every run config meets before a run is created, whatever its method: upper bounds on the budget
// keys (a job's own parseConfig checks types and lower bounds; 1e308 is an integer to it), and a memory
// estimate of one training step against the machine's RAM, so a run that cannot fit is refused at once
// instead of dying (or swapping the machine to a halt) after it started.
import { existsSync, readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { bertConfigFromHf, parameterCount, type BertConfig } from '../../engine/bert/index.js';
import { badRequest } from './validate.js';

/** Largest value each budget key accepts (when the key is given), in any job's config. */
export const CONFIG_UPPER_BOUNDS: Readonly<Record<string, number>> = {
  steps: 10_000_000, // BERT's own pre-training is 1M steps
  batchSize: 8192,
  batchTokens: 4_194_304, // 8192 rows of 512 tokens
  seqLen: 8192,
  maxLength: 8192,
  warmupSteps: 10_000_000,
  checkpointEvery: 10_000_000,
  progressEvery: 10_000_000,
  epochs: 1000,
  delayMs: 60_000,
  maxTrainRows: 100_000_000,
  maxDevRows: 100_000_000,
  heldOutEvery: 10_000_000,
  heldOutLines: 100_000_000,
  heldOutBatches: 10_000,
};

export function checkUpperBounds(config: Record<string, unknown>): void {
  for (const [key, max] of Object.entries(CONFIG_UPPER_BOUNDS)) {
    const v = config[key];
    if (typeof v === 'number' && !(v <= max)) throw badRequest(`config.${key}: at most ${max}, got ${JSON.stringify(v)}`);
  }
}

const BYTES_PER_FLOAT = 4;
const GiB = 1024 ** 3;

/**
 * Bytes one training step needs at least, for a BERT of this shape trained on `tokens` tokens per step:
 * the teacher's fp32 weights, a student as large as the teacher (WID starts from it) with gradients and
 * two AdamW moments, the student's activations kept for the backward pass (per token and layer: ~8
 * hidden-size and 2 intermediate-size vectors, plus the attention probabilities and their pre-softmax
 * scores, heads x seqLen each) and the MLM logits with their softmax (tokens x vocab, twice). A lower
 * bound on purpose (tfjs keeps more), so a config refused by it cannot run on this machine.
 */
export function trainingStepBytes(model: BertConfig, tokens: number, seqLen: number): number {
  const params = parameterCount(model, { mlmHead: true });
  const weights = params * BYTES_PER_FLOAT * (1 + 4);
  const perTokenLayer = 8 * model.hiddenSize + 2 * model.intermediateSize + 2 * model.numAttentionHeads * seqLen;
  const activations = tokens * model.numHiddenLayers * perTokenLayer * BYTES_PER_FLOAT;
  const logits = 2 * tokens * model.vocabSize * BYTES_PER_FLOAT;
  return weights + activations + logits;
}

function modelConfigAt(dir: unknown): BertConfig | null {
  if (typeof dir !== 'string') return null;
  const file = join(dir, 'config.json');
  if (!existsSync(file)) return null;
  try { return bertConfigFromHf(JSON.parse(readFileSync(file, 'utf8'))); } catch { return null; }
}

const positive = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined);

/**
 * Refuses a parsed job config whose training step cannot fit in this machine's memory. Reads the
 * fields the training jobs share after parsing (defaults filled in): the model at teacherPath (distillation)
 * or modelPath (fine-tuning), batchTokens or batchSize x seqLen / maxLength.
 */
export function checkMemory(method: string, parsed: unknown, memoryBytes: number = totalmem()): void {
  if (typeof parsed !== 'object' || parsed === null) return;
  const p = parsed as Record<string, unknown>;
  const model = modelConfigAt(p.teacherPath ?? p.modelPath);
  const seqLen = positive(p.seqLen) ?? positive(p.maxLength);
  const tokens = positive(p.batchTokens) ?? (positive(p.batchSize) !== undefined && seqLen !== undefined ? positive(p.batchSize)! * seqLen : undefined);
  if (!model || seqLen === undefined || tokens === undefined) return;
  const need = trainingStepBytes(model, tokens, seqLen);
  if (need > memoryBytes) {
    const budget = p.batchTokens !== undefined ? `batchTokens ${String(p.batchTokens)}` : `batchSize ${String(p.batchSize)} x ${seqLen} tokens`;
    throw badRequest(`${method} config: one training step of ${budget} on this ${model.numHiddenLayers}-layer, ${model.hiddenSize}-wide model needs at least ${(need / GiB).toFixed(1)} GiB, more than this machine's ${(memoryBytes / GiB).toFixed(1)} GiB of memory; lower batchSize/batchTokens or seqLen`);
  }
}
