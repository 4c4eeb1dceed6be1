// Pooler, MLM head (decoder tied to word embeddings, own bias) and classification/regression head.
import * as tf from '@tensorflow/tfjs';
import { BertConfig } from './config.js';
import { BertWeights, weight } from './weights.js';
import { layerNorm, linear, linearActivation } from './ops.js';
import { scoped } from '../autodiff/shape-only-ops.js';

/** tanh(dense(hidden[:, 0])) — BertPooler. */
export function poolerOutput(w: BertWeights, cfg: BertConfig, hidden: tf.Tensor3D): tf.Tensor2D {
  const [b, , H] = hidden.shape;
  const first = hidden.slice([0, 0, 0], [b, 1, H]).reshape([b, H]);
  return tf.tanh(linear(first, weight(w, 'bert.pooler.dense.weight'), weight(w, 'bert.pooler.dense.bias'))) as tf.Tensor2D;
}

/**
 * Logits [b, s, vocab]. Uses cls.predictions.decoder.weight if present, else the tied word embeddings
 * (with `wordProjection` [hidden, table width]: the tied table is table · projectionᵀ, applied as (x · projection) · tableᵀ).
 */
export function mlmHead(
  w: BertWeights, cfg: BertConfig, hidden: tf.Tensor3D, opts: { layerNormKeep?: tf.Tensor1D | null; wordProjection?: tf.Tensor2D | null } = {},
): tf.Tensor3D {
  // its own scope: the [tokens × vocab] decoder product before the bias is freed here, not at the end of the forward pass
  return scoped(() => mlmLogits(w, cfg, hidden, opts));
}

function mlmLogits(w: BertWeights, cfg: BertConfig, hidden: tf.Tensor3D, opts: { layerNormKeep?: tf.Tensor1D | null; wordProjection?: tf.Tensor2D | null }): tf.Tensor3D {
  const p = 'cls.predictions.';
  const t = linearActivation(hidden, weight(w, `${p}transform.dense.weight`), weight(w, `${p}transform.dense.bias`), cfg.hiddenAct);
  const normed = layerNorm(t, weight(w, `${p}transform.LayerNorm.weight`), weight(w, `${p}transform.LayerNorm.bias`), cfg.layerNormEps, opts.layerNormKeep);
  const untied = w[`${p}decoder.weight`];
  if (untied) return linear(normed, untied, weight(w, `${p}bias`)) as tf.Tensor3D;
  const proj = opts.wordProjection;
  const projected = proj ? tf.matMul(normed.reshape([-1, proj.shape[0]]) as tf.Tensor2D, proj).reshape([...normed.shape.slice(0, -1), proj.shape[1]]) : normed;
  return linear(projected, weight(w, 'bert.embeddings.word_embeddings.weight'), weight(w, `${p}bias`)) as tf.Tensor3D;
}

/** Logits [b, numLabels] (regression: [b, 1]) from the pooled output. */
export function classifierHead(w: BertWeights, cfg: BertConfig, pooled: tf.Tensor2D): tf.Tensor2D {
  return linear(pooled, weight(w, 'classifier.weight'), weight(w, 'classifier.bias')) as tf.Tensor2D;
}
