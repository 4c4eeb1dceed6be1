// FLOPs (2 per multiply-add, matrix products only) of one MobileBERT forward pass over one sequence of seqLen tokens.
import { MobileBertConfig, trueHiddenSize } from './config.js';

export function mobileBertForwardFlops(cfg: MobileBertConfig, seqLen: number, opts: { mlmHead?: boolean } = {}): number {
  const { embeddingSize: E, hiddenSize: H, intermediateSize: I, vocabSize: V } = cfg;
  const T = trueHiddenSize(cfg), s = seqLen;
  const embIn = E * (cfg.trigramInput ? 3 : 1);
  let f = cfg.trigramInput || E !== H ? 2 * s * embIn * H : 0;
  let layer = 0;
  if (cfg.useBottleneck) layer += 2 * s * H * T * (cfg.keyQuerySharedBottleneck && !cfg.useBottleneckAttention ? 2 : 1) + 2 * s * T * H;
  const vIn = cfg.useBottleneckAttention ? T : H;
  layer += 2 * s * (2 * T * T + vIn * T + T * T) + 2 * 2 * s * s * T;
  layer += cfg.numFeedforwardNetworks * 2 * s * 2 * T * I;
  f += cfg.numHiddenLayers * layer;
  if (opts.mlmHead) f += 2 * s * (H * H + H * V);
  return f;
}
