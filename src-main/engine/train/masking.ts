// BERT masked-LM corruption: each ordinary token is chosen with probability maskProb (15%); a chosen
// token becomes [MASK] 80% of the time, a random ordinary token 10%, and stays as is 10%. Labels hold
// the original id at chosen positions and -100 elsewhere. Special tokens and padding are never chosen.
import type { Rng } from './rng.js';

export interface MaskingOptions {
  maskTokenId: number;
  vocabSize: number;
  /** Ids never chosen nor drawn as random replacements ([CLS], [SEP], [PAD], [MASK], [UNK]). */
  specialTokenIds: readonly number[];
  /** Default 0.15. */
  maskProb?: number;
}

export const IGNORE_LABEL = -100;

/** 'bernoulli': BERT (each token with p = maskProb); 'smoothed': DistilBERT (exactly ceil(maskProb·tokens), p ∝ count^-0.7). */
export type MaskingKind = 'bernoulli' | 'smoothed';

/** DistilBERT's mlm_smoothing (distillation/train.py): token_probs = max(count, 1)^-0.7. */
export const MLM_SMOOTHING = 0.7;

/** Selection weight of every vocabulary id: max(count, 1)^-smoothing, 0 for special ids (never chosen). */
export function smoothedTokenWeights(counts: ArrayLike<number>, specialTokenIds: readonly number[], smoothing = MLM_SMOOTHING): Float64Array {
  const w = new Float64Array(counts.length);
  for (let i = 0; i < counts.length; i++) w[i] = Math.pow(Math.max(counts[i], 1), -smoothing);
  for (const id of specialTokenIds) if (id >= 0 && id < w.length) w[id] = 0;
  return w;
}

/**
 * Masks a flat batch of ids (row-major [rows, cols]) where attentionMask is 1. Draws from `rng` in a
 * fixed order, so the same rng state gives the same masks. If no position is chosen but some are
 * eligible, one eligible position is chosen so every batch contributes a loss.
 */
export function maskTokens(
  inputIds: Int32Array,
  attentionMask: Int32Array,
  rng: Rng,
  opts: MaskingOptions,
): { inputIds: Int32Array; labels: Int32Array; maskedCount: number } {
  if (inputIds.length !== attentionMask.length) {
    throw new Error(`maskTokens: inputIds (${inputIds.length}) and attentionMask (${attentionMask.length}) must have the same length`);
  }
  const maskProb = opts.maskProb ?? 0.15;
  if (!(maskProb > 0 && maskProb < 1)) throw new Error(`maskProb must be in (0, 1), got ${maskProb}`);
  const special = new Set(opts.specialTokenIds);
  if (special.size >= opts.vocabSize) throw new Error(`vocabSize ${opts.vocabSize} leaves no ordinary tokens to draw`);
  const out = Int32Array.from(inputIds);
  const labels = new Int32Array(inputIds.length).fill(IGNORE_LABEL);
  const eligible: number[] = [];
  for (let i = 0; i < inputIds.length; i++) if (attentionMask[i] === 1 && !special.has(inputIds[i])) eligible.push(i);

  const randomOrdinary = (): number => {
    for (;;) {
      const id = rng.nextInt(opts.vocabSize);
      if (!special.has(id)) return id;
    }
  };
  const corrupt = (i: number): void => corruptAt(i, inputIds, out, labels, rng, opts.maskTokenId, randomOrdinary);

  let maskedCount = 0;
  for (const i of eligible) {
    if (rng.next() < maskProb) {
      corrupt(i);
      maskedCount++;
    }
  }
  if (maskedCount === 0 && eligible.length > 0) {
    corrupt(eligible[rng.nextInt(eligible.length)]);
    maskedCount = 1;
  }
  return { inputIds: out, labels, maskedCount };
}

/** 80 % [MASK], 10 % a random ordinary token, 10 % unchanged; the label is the original id. */
function corruptAt(i: number, original: Int32Array, out: Int32Array, labels: Int32Array, rng: Rng, maskTokenId: number, randomOrdinary: () => number): void {
  labels[i] = original[i];
  const r = rng.next();
  if (r < 0.8) out[i] = maskTokenId;
  else if (r < 0.9) out[i] = randomOrdinary();
  // else: keep the original token
}

/**
 * DistilBERT's masking (distillation/distiller.py prepare_batch_mlm): exactly ceil(maskProb · real tokens)
 * positions, drawn without replacement with probability ∝ tokenWeights[id] (special ids weigh 0), then 80/10/10.
 * Weighted sampling without replacement by Efraimidis–Spirakis keys u^(1/w), from the seeded rng.
 */
export function smoothedMaskTokens(
  inputIds: Int32Array,
  attentionMask: Int32Array,
  rng: Rng,
  opts: MaskingOptions & { tokenWeights: Float64Array },
): { inputIds: Int32Array; labels: Int32Array; maskedCount: number } {
  if (inputIds.length !== attentionMask.length) {
    throw new Error(`smoothedMaskTokens: inputIds (${inputIds.length}) and attentionMask (${attentionMask.length}) must have the same length`);
  }
  const maskProb = opts.maskProb ?? 0.15;
  if (!(maskProb > 0 && maskProb < 1)) throw new Error(`maskProb must be in (0, 1), got ${maskProb}`);
  if (opts.tokenWeights.length !== opts.vocabSize) throw new Error(`tokenWeights has ${opts.tokenWeights.length} entries, expected vocabSize ${opts.vocabSize}`);
  const special = new Set(opts.specialTokenIds);
  const out = Int32Array.from(inputIds);
  const labels = new Int32Array(inputIds.length).fill(IGNORE_LABEL);
  let real = 0;
  const keyed: [number, number][] = [];
  for (let i = 0; i < inputIds.length; i++) {
    if (attentionMask[i] !== 1) continue;
    real++;
    const w = special.has(inputIds[i]) ? 0 : opts.tokenWeights[inputIds[i]];
    if (w > 0) keyed.push([Math.log(Math.max(rng.next(), 1e-300)) / w, i]); // log of u^(1/w): same order
  }
  const n = Math.min(Math.ceil(maskProb * real), keyed.length);
  keyed.sort((a, b) => (b[0] - a[0]) || (a[1] - b[1]));
  const chosen = keyed.slice(0, n).map(([, i]) => i).sort((a, b) => a - b);
  const randomOrdinary = (): number => {
    for (;;) {
      const id = rng.nextInt(opts.vocabSize);
      if (!special.has(id)) return id;
    }
  };
  for (const i of chosen) corruptAt(i, inputIds, out, labels, rng, opts.maskTokenId, randomOrdinary);
  return { inputIds: out, labels, maskedCount: chosen.length };
}
