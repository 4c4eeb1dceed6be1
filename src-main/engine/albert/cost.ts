// What an ALBERT costs: stored parameters (a shared layer once) against the compute of a forward pass, which runs
// every layer at every application. ALBERT saves parameters, not time; the compare tables show both.
import { AlbertConfig } from './config.js';

/**
 * Floating-point operations (2 per multiply-add) of one forward pass over `seqLen` tokens of one sequence,
 * matrix products only (embedding lookups, norms, softmax and activations are a few percent at these sizes).
 */
export function albertForwardFlops(cfg: AlbertConfig, seqLen: number, opts: { mlmHead?: boolean } = {}): number {
  const { embeddingSize: E, hiddenSize: H, intermediateSize: I, vocabSize: V } = cfg;
  const s = seqLen;
  const perLayer = 2 * s * (4 * H * H + 2 * H * I) + 2 * 2 * s * s * H;
  let f = 2 * s * E * H + cfg.numHiddenLayers * cfg.innerGroupNum * perLayer;
  if (opts.mlmHead) f += 2 * s * (H * E + E * V);
  return f;
}
