// Lower bounds on the memory one step of a job needs, from the model's config.json and the budget alone (no weights
// read): the service refuses a run whose step cannot fit in the machine's memory before anything is written, for
// every job kind. Lower bounds on purpose (tfjs keeps more), so a refused config cannot run here.
import { parameterCount, type BertConfig } from '../bert/index.js';
import { familyOps, type FamilyConfig, type ModelFamily } from '../model-family/index.js';

export interface MemoryNeed {
  bytes: number;
  /** What needs it: "one training step of batchSize 32 x 128 tokens on this 12-layer, 768-wide model". */
  what: string;
  /** What to lower. */
  lower: string;
}

const BYTES_PER_FLOAT = 4;

/** Floats kept per token and layer for the backward pass: ~8 hidden and 2 FFN vectors, attention scores and probabilities. */
const perTokenLayer = (s: { hidden: number; intermediate: number; heads: number }, seqLen: number) =>
  8 * s.hidden + 2 * s.intermediate + 2 * s.heads * seqLen;

/**
 * Bytes one distillation step needs at least, for a BERT of this shape trained on `tokens` tokens per step:
 * the teacher's fp32 weights, a student as large as the teacher (WID starts from it) with gradients and
 * two AdamW moments, the student's activations kept for the backward pass and the MLM logits with their
 * softmax (tokens x vocab, twice).
 */
export function trainingStepBytes(model: BertConfig, tokens: number, seqLen: number): number {
  const params = parameterCount(model, { mlmHead: true });
  const weights = params * BYTES_PER_FLOAT * (1 + 4);
  const shape = { hidden: model.hiddenSize, intermediate: model.intermediateSize, heads: model.numAttentionHeads };
  const activations = tokens * model.numHiddenLayers * perTokenLayer(shape, seqLen) * BYTES_PER_FLOAT;
  const logits = 2 * tokens * model.vocabSize * BYTES_PER_FLOAT;
  return weights + activations + logits;
}

/** A fine-tuning step of a sequence classifier of any family: weights, gradients, two AdamW moments and the activations. */
export function fineTuneStepBytes(family: ModelFamily, cfg: FamilyConfig, tokens: number, seqLen: number): number {
  const ops = familyOps(family);
  const params = ops.parameterCount(cfg, { classifier: true, pooler: true });
  const s = ops.shape(cfg);
  return params * BYTES_PER_FLOAT * 4 + tokens * s.layers * perTokenLayer(s, seqLen) * BYTES_PER_FLOAT;
}

/** A forward pass (no gradients): the weights and one layer's activations. */
export function forwardBytes(family: ModelFamily, cfg: FamilyConfig, tokens: number, seqLen: number): number {
  const ops = familyOps(family);
  const s = ops.shape(cfg);
  return ops.parameterCount(cfg, { classifier: true, pooler: true }) * BYTES_PER_FLOAT + tokens * perTokenLayer(s, seqLen) * BYTES_PER_FLOAT;
}

/** "this 12-layer, 768-wide model" */
export const modelWords = (family: ModelFamily, cfg: FamilyConfig) => {
  const s = familyOps(family).shape(cfg);
  return `this ${s.layers}-layer, ${s.hidden}-wide ${family === 'bert' ? '' : `${family} `}model`;
};
