// Limits every run config meets before a run is created, whatever its method: upper bounds on the budget
// keys (a job's own parseConfig checks types and lower bounds; 1e308 is an integer to it), and a memory
// estimate of one training step against the machine's RAM, so a run that cannot fit is refused at once
// instead of dying (or swapping the machine to a halt) after it started.
import { totalmem } from 'node:os';
import { parameterCount, type BertConfig } from '../../engine/bert/index.js';
import { ConfigFiles } from '../../engine/config/config-files.js';
import { runConfigLimits } from '../../shared/api/run-config.js';
import { badRequest } from './validate.js';

/** The GLUE jobs' budget keys (their parsers are still hand-written readers in engine/jobs/finetune.ts, evaluate.ts). */
const GLUE_UPPER_BOUNDS: Readonly<Record<string, number>> = {
  maxLength: 8192,
  epochs: 1000,
  maxTrainRows: 100_000_000,
  maxDevRows: 100_000_000,
};

/**
 * Largest value each budget key accepts (when the key is given), in any job's config: the largest maximum the
 * run-config schemas declare for an integer key (steps: 10,000,000, BERT's own pre-training is 1M; batchTokens:
 * 8192 rows of 512 tokens; ...), and the GLUE jobs' keys.
 */
export const CONFIG_UPPER_BOUNDS: Readonly<Record<string, number>> = (() => {
  const out: Record<string, number> = { ...GLUE_UPPER_BOUNDS };
  for (const fields of Object.values(runConfigLimits)) {
    for (const [key, f] of Object.entries(fields)) {
      if (f.integer && f.max !== undefined && key !== 'seed') out[key] = Math.max(out[key] ?? 0, f.max);
    }
  }
  return out;
})();

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

const positive = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined);

/**
 * Refuses a parsed job config whose training step cannot fit in this machine's memory. Reads the
 * fields the training jobs share after parsing (defaults filled in): the model at teacherPath (distillation)
 * or modelPath (fine-tuning), batchTokens or batchSize x seqLen / maxLength.
 */
export function checkMemory(method: string, parsed: unknown, memoryBytes: number = totalmem(), files: ConfigFiles = new ConfigFiles()): void {
  if (typeof parsed !== 'object' || parsed === null) return;
  const p = parsed as Record<string, unknown>;
  const model = files.bertConfigOrNull(p.teacherPath ?? p.modelPath);
  const seqLen = positive(p.seqLen) ?? positive(p.maxLength);
  const tokens = positive(p.batchTokens) ?? (positive(p.batchSize) !== undefined && seqLen !== undefined ? positive(p.batchSize)! * seqLen : undefined);
  if (!model || seqLen === undefined || tokens === undefined) return;
  const need = trainingStepBytes(model, tokens, seqLen);
  if (need > memoryBytes) {
    const budget = p.batchTokens !== undefined ? `batchTokens ${String(p.batchTokens)}` : `batchSize ${String(p.batchSize)} x ${seqLen} tokens`;
    throw badRequest(`${method} config: one training step of ${budget} on this ${model.numHiddenLayers}-layer, ${model.hiddenSize}-wide model needs at least ${(need / GiB).toFixed(1)} GiB, more than this machine's ${(memoryBytes / GiB).toFixed(1)} GiB of memory; lower batchSize/batchTokens or seqLen`);
  }
}
