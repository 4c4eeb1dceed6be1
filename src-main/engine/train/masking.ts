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
  const corrupt = (i: number): void => {
    labels[i] = inputIds[i];
    const r = rng.next();
    if (r < 0.8) out[i] = opts.maskTokenId;
    else if (r < 0.9) out[i] = randomOrdinary();
    // else: keep the original token
  };

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
