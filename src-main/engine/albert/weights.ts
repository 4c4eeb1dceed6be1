// ALBERT parameters keyed by the Hugging Face names (AlbertForMaskedLM / AlbertForSequenceClassification layout,
// `albert.` prefix, Dense [out, in]). A shared layer is ONE set of tensors
// (albert.encoder.albert_layer_groups.G.albert_layers.J.*), used by every application of its group: the record
// holds it once, so it is counted once and receives the gradient of every application.
import * as tf from '@tensorflow/tfjs';
import type { BertWeights } from '../bert/weights.js';
import { AlbertConfig, validateAlbertConfig } from './config.js';

export interface AlbertHeadOptions {
  /** predictions.* (MLM head: dense H→E, LayerNorm E, decoder tied to the word embeddings, bias). */
  mlmHead?: boolean;
  /** albert.pooler + classifier with cfg.numLabels outputs. */
  classifier?: boolean;
  /** albert.pooler without a classifier. Implied by classifier. */
  pooler?: boolean;
}

export const albertLayerPrefix = (group: number, inner: number) =>
  `albert.encoder.albert_layer_groups.${group}.albert_layers.${inner}.`;

/** Name -> shape of every parameter the given heads need; each shared layer appears once. */
export function albertParameterShapes(cfg: AlbertConfig, heads: AlbertHeadOptions = { mlmHead: true }): Record<string, number[]> {
  validateAlbertConfig(cfg);
  const { vocabSize: V, embeddingSize: E, hiddenSize: H, intermediateSize: I } = cfg;
  const s: Record<string, number[]> = {
    'albert.embeddings.word_embeddings.weight': [V, E],
    'albert.embeddings.position_embeddings.weight': [cfg.maxPositionEmbeddings, E],
    'albert.embeddings.token_type_embeddings.weight': [cfg.typeVocabSize, E],
    'albert.embeddings.LayerNorm.weight': [E],
    'albert.embeddings.LayerNorm.bias': [E],
    'albert.encoder.embedding_hidden_mapping_in.weight': [H, E],
    'albert.encoder.embedding_hidden_mapping_in.bias': [H],
  };
  for (let g = 0; g < cfg.numHiddenGroups; g++) {
    for (let j = 0; j < cfg.innerGroupNum; j++) {
      const p = albertLayerPrefix(g, j);
      for (const m of ['query', 'key', 'value', 'dense']) {
        s[`${p}attention.${m}.weight`] = [H, H];
        s[`${p}attention.${m}.bias`] = [H];
      }
      s[`${p}attention.LayerNorm.weight`] = [H];
      s[`${p}attention.LayerNorm.bias`] = [H];
      s[`${p}ffn.weight`] = [I, H];
      s[`${p}ffn.bias`] = [I];
      s[`${p}ffn_output.weight`] = [H, I];
      s[`${p}ffn_output.bias`] = [H];
      s[`${p}full_layer_layer_norm.weight`] = [H];
      s[`${p}full_layer_layer_norm.bias`] = [H];
    }
  }
  if (heads.pooler || heads.classifier) {
    s['albert.pooler.weight'] = [H, H];
    s['albert.pooler.bias'] = [H];
  }
  if (heads.classifier) {
    const L = cfg.numLabels ?? (cfg.problemType === 'regression' ? 1 : 2);
    s['classifier.weight'] = [L, H];
    s['classifier.bias'] = [L];
  }
  if (heads.mlmHead) {
    s['predictions.dense.weight'] = [E, H];
    s['predictions.dense.bias'] = [E];
    s['predictions.LayerNorm.weight'] = [E];
    s['predictions.LayerNorm.bias'] = [E];
    s['predictions.bias'] = [V];
  }
  return s;
}

/** Stored parameters (a shared layer once, the tied decoder once), as transformers' num_parameters() counts them. */
export function albertParameterCount(cfg: AlbertConfig, heads: AlbertHeadOptions = { mlmHead: true }): number {
  return Object.values(albertParameterShapes(cfg, heads)).reduce((n, shape) => n + shape.reduce((a, b) => a * b, 1), 0);
}

/** Random init as transformers does: normal(0, 0.02) matrices and embeddings (padding row 0), zero biases, LayerNorm 1/0. */
export function initAlbertWeights(cfg: AlbertConfig, seed: number, heads: AlbertHeadOptions = { mlmHead: true }): BertWeights {
  const out: BertWeights = {};
  let k = 0;
  for (const [name, shape] of Object.entries(albertParameterShapes(cfg, heads))) {
    k++;
    if (/(LayerNorm|layer_norm)\.weight$/.test(name)) out[name] = tf.ones(shape);
    else if (name.endsWith('.bias')) out[name] = tf.zeros(shape);
    else if (name === 'albert.embeddings.word_embeddings.weight') {
      out[name] = tf.tidy(() => tf.concat([tf.zeros([1, shape[1]]),
        tf.randomNormal([shape[0] - 1, shape[1]], 0, 0.02, 'float32', seed * 100003 + k)], 0));
    } else out[name] = tf.randomNormal(shape, 0, 0.02, 'float32', seed * 100003 + k);
  }
  return out;
}
