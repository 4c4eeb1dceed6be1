// Word + position + token-type embeddings, then LayerNorm (BertEmbeddings).
import * as tf from '@tensorflow/tfjs';
import { BertConfig } from './config.js';
import { BertWeights, weight } from './weights.js';
import { layerNorm, linear } from './ops.js';
import { embeddingLookup } from './embedding-lookup.js';
import * as lean from '../autodiff/shape-only-ops.js';

/**
 * `layerNormKeep`: the LayerNorm's statistics over these dims only (ops.ts layerNorm). `wordProjection`
 * [hidden, table width]: looked-up word rows are multiplied by its transpose (forward.ts BertForwardOptions).
 */
export function bertEmbeddings(
  w: BertWeights, cfg: BertConfig, inputIds: tf.Tensor2D, tokenTypeIds?: tf.Tensor2D, layerNormKeep?: tf.Tensor1D | null,
  wordProjection?: tf.Tensor2D | null,
): tf.Tensor3D {
  const [batch, seq] = inputIds.shape;
  if (seq > cfg.maxPositionEmbeddings) {
    throw new Error(`input sequence length ${seq} exceeds maxPositionEmbeddings ${cfg.maxPositionEmbeddings}`);
  }
  const p = 'bert.embeddings.';
  const ids = inputIds.dtype === 'int32' ? inputIds : inputIds.toInt();
  let rows = embeddingLookup(weight(w, `${p}word_embeddings.weight`), ids.reshape([-1]) as tf.Tensor1D) as tf.Tensor2D;
  if (wordProjection) rows = linear(rows, wordProjection) as tf.Tensor2D;
  const words = rows.reshape([batch, seq, cfg.hiddenSize]);
  const positions = weight(w, `${p}position_embeddings.weight`).slice([0, 0], [seq, cfg.hiddenSize]).expandDims(0);
  const types = tokenTypeIds ?? tf.zeros([batch, seq], 'int32');
  const typeEmb = embeddingLookup(weight(w, `${p}token_type_embeddings.weight`), (types.dtype === 'int32' ? types : types.toInt()).reshape([-1]) as tf.Tensor1D)
    .reshape([batch, seq, cfg.hiddenSize]);
  const sum = lean.add(lean.add(words, positions), typeEmb);
  return layerNorm(sum, weight(w, `${p}LayerNorm.weight`), weight(w, `${p}LayerNorm.bias`), cfg.layerNormEps, layerNormKeep) as tf.Tensor3D;
}
