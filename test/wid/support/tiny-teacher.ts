// A tiny random teacher with non-trivial LayerNorm parameters, and random (non-identity) compactors,
// so that equivalence tests exercise every term.
import * as tf from '@tensorflow/tfjs';
import { BertConfig, BertWeights, initBertWeights } from '../../../src-main/engine/bert/index.js';
import { Compactors } from '../../../src-main/engine/methods/wid/compactors.js';

export const tinyConfig: BertConfig = {
  vocabSize: 40, hiddenSize: 16, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 32,
  maxPositionEmbeddings: 16, typeVocabSize: 2, layerNormEps: 1e-12, hiddenAct: 'gelu',
};

export function tinyTeacher(seed = 1, cfg: BertConfig = tinyConfig, pooler = false): BertWeights {
  const w = initBertWeights(cfg, seed, { mlmHead: true, pooler });
  let k = 0;
  for (const name of Object.keys(w)) {
    k++;
    const old = w[name];
    // larger-than-init values so logits are far from uniform and mistakes show
    if (name.endsWith('LayerNorm.weight')) w[name] = tf.randomNormal(old.shape, 1, 0.3, 'float32', seed * 1000 + k);
    else if (name.endsWith('.bias')) w[name] = tf.randomNormal(old.shape, 0, 0.2, 'float32', seed * 1000 + k);
    else w[name] = tf.randomNormal(old.shape, 0, 0.3, 'float32', seed * 1000 + k);
    old.dispose();
  }
  return w;
}

/** identity + noise, in place. */
export function perturbCompactors(c: Compactors, seed: number, scale = 0.2): void {
  let k = 0;
  for (const v of Object.values(c)) {
    k++;
    tf.tidy(() => v.assign(tf.add(tf.eye(v.shape[0]), tf.randomNormal(v.shape, 0, scale, 'float32', seed * 777 + k))));
  }
}

export function tinyBatch() {
  return {
    inputIds: tf.tensor2d([[2, 5, 7, 3, 11, 9], [2, 9, 3, 1, 0, 0]], undefined, 'int32'),
    attentionMask: tf.tensor2d([[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0]], undefined, 'int32'),
    tokenTypeIds: tf.tensor2d([[0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 0, 0]], undefined, 'int32'),
  };
}
