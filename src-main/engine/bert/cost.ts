// FLOPs (2 per multiply-add, matrix products only) of one BERT forward pass over one sequence of seqLen tokens,
// the same count as albert/cost.ts and mobilebert/cost.ts so the compare tables put them side by side.
import { BertConfig } from './config.js';

export function bertForwardFlops(cfg: BertConfig, seqLen: number, opts: { mlmHead?: boolean } = {}): number {
  const { hiddenSize: H, intermediateSize: I, vocabSize: V } = cfg;
  const s = seqLen;
  let f = cfg.numHiddenLayers * (2 * s * (4 * H * H + 2 * H * I) + 2 * 2 * s * s * H);
  if (opts.mlmHead) f += 2 * s * (H * H + H * V);
  return f;
}
