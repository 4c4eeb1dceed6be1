// BERT parameters as a flat record keyed by the Hugging Face names (BertForMaskedLM /
// BertForSequenceClassification layout, `bert.` prefix). Dense weights stay [out, in] like torch.
import * as tf from '@tensorflow/tfjs';
import { BertConfig, validateBertConfig } from './config.js';

export type BertWeights = Record<string, tf.Tensor>;

export interface HeadOptions {
  /** cls.predictions.* (MLM head; decoder weight tied to the word embeddings). */
  mlmHead?: boolean;
  /** bert.pooler.* + classifier.* with cfg.numLabels outputs. */
  classifier?: boolean;
  /** bert.pooler.* without a classifier. Implied by classifier. */
  pooler?: boolean;
}

/** Name -> shape of every parameter the given heads need. */
export function bertParameterShapes(cfg: BertConfig, heads: HeadOptions = { mlmHead: true }): Record<string, number[]> {
  validateBertConfig(cfg);
  const H = cfg.hiddenSize, I = cfg.intermediateSize;
  const s: Record<string, number[]> = {
    'bert.embeddings.word_embeddings.weight': [cfg.vocabSize, H],
    'bert.embeddings.position_embeddings.weight': [cfg.maxPositionEmbeddings, H],
    'bert.embeddings.token_type_embeddings.weight': [cfg.typeVocabSize, H],
    'bert.embeddings.LayerNorm.weight': [H],
    'bert.embeddings.LayerNorm.bias': [H],
  };
  for (let i = 0; i < cfg.numHiddenLayers; i++) {
    const p = `bert.encoder.layer.${i}.`;
    for (const qkv of ['query', 'key', 'value']) {
      s[`${p}attention.self.${qkv}.weight`] = [H, H];
      s[`${p}attention.self.${qkv}.bias`] = [H];
    }
    s[`${p}attention.output.dense.weight`] = [H, H];
    s[`${p}attention.output.dense.bias`] = [H];
    s[`${p}attention.output.LayerNorm.weight`] = [H];
    s[`${p}attention.output.LayerNorm.bias`] = [H];
    s[`${p}intermediate.dense.weight`] = [I, H];
    s[`${p}intermediate.dense.bias`] = [I];
    s[`${p}output.dense.weight`] = [H, I];
    s[`${p}output.dense.bias`] = [H];
    s[`${p}output.LayerNorm.weight`] = [H];
    s[`${p}output.LayerNorm.bias`] = [H];
  }
  if (heads.pooler || heads.classifier) {
    s['bert.pooler.dense.weight'] = [H, H];
    s['bert.pooler.dense.bias'] = [H];
  }
  if (heads.classifier) {
    const L = cfg.numLabels ?? (cfg.problemType === 'regression' ? 1 : 2);
    s['classifier.weight'] = [L, H];
    s['classifier.bias'] = [L];
  }
  if (heads.mlmHead) {
    s['cls.predictions.transform.dense.weight'] = [H, H];
    s['cls.predictions.transform.dense.bias'] = [H];
    s['cls.predictions.transform.LayerNorm.weight'] = [H];
    s['cls.predictions.transform.LayerNorm.bias'] = [H];
    s['cls.predictions.bias'] = [cfg.vocabSize];
  }
  return s;
}

/** Number of parameters (tied MLM decoder counted once, as transformers does). */
export function parameterCount(cfg: BertConfig, heads: HeadOptions = { mlmHead: true }): number {
  return Object.values(bertParameterShapes(cfg, heads)).reduce((n, shape) => n + shape.reduce((a, b) => a * b, 1), 0);
}

export function countParameters(weights: BertWeights): number {
  return Object.values(weights).reduce((n, t) => n + t.size, 0);
}

/** Random init as transformers does: normal(0, 0.02) for matrices and embeddings, zero biases, LayerNorm 1/0. */
export function initBertWeights(cfg: BertConfig, seed: number, heads: HeadOptions = { mlmHead: true }): BertWeights {
  const shapes = bertParameterShapes(cfg, heads);
  const out: BertWeights = {};
  let k = 0;
  for (const [name, shape] of Object.entries(shapes)) {
    k++;
    if (name.endsWith('LayerNorm.weight')) out[name] = tf.ones(shape);
    else if (name.endsWith('.bias')) out[name] = tf.zeros(shape);
    else {
      // seed per tensor so adding a head does not change the encoder's values
      out[name] = tf.randomNormal(shape, 0, 0.02, 'float32', seed * 100003 + k);
      if (name === 'bert.embeddings.word_embeddings.weight') {
        // HF zeroes the padding row (pad_token_id = 0)
        const t = out[name];
        out[name] = tf.tidy(() => tf.concat([tf.zeros([1, shape[1]]), t.slice([1, 0], [shape[0] - 1, shape[1]])], 0));
        t.dispose();
      }
    }
  }
  return out;
}

/** Looks a parameter up, failing with its name when missing. */
export function weight(w: BertWeights, name: string): tf.Tensor {
  const t = w[name];
  if (!t) throw new Error(`BERT weight "${name}" is missing from the weight record`);
  return t;
}

export function disposeWeights(w: BertWeights): void {
  for (const t of Object.values(w)) t.dispose();
}
