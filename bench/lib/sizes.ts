// The bench model sizes (bench/sizes.json, also read by the PyTorch peers): one table for every benchmark.
// 4L-512H is the shape of the real teacher in ../shared/data.
import type { BertConfig } from '../../src-main/engine/bert/config.js';
import sizesJson from '../sizes.json' with { type: 'json' };

interface SizeRow { hidden: number; layers: number; heads: number; intermediate: number; vocab?: number }
const SIZES = Object.fromEntries(Object.entries(sizesJson).filter(([k]) => k !== '_')) as unknown as Record<string, SizeRow>;

export const SIZE_NAMES = Object.keys(SIZES);

/** The BERT config of a bench size; `vocabSize` overrides the table's vocabulary. */
export function benchConfig(size: string, vocabSize?: number): BertConfig {
  const s = SIZES[size];
  if (!s) throw new Error(`size "${size}" is not one of ${SIZE_NAMES.join(', ')}`);
  return {
    vocabSize: vocabSize ?? s.vocab ?? 30522, hiddenSize: s.hidden, numHiddenLayers: s.layers, numAttentionHeads: s.heads,
    intermediateSize: s.intermediate, maxPositionEmbeddings: 512, typeVocabSize: 2, layerNormEps: 1e-12, hiddenAct: 'gelu',
  };
}
