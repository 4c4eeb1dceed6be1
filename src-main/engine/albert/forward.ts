// The ALBERT encoder as a pure function of a weight record (like bertForward): factorised embeddings
// (vocab × E, LayerNorm over E, then E → H), then numHiddenLayers applications of the shared layer groups.
// The same tensors serve every application of a group, so autodiff sums their gradients into one.
import * as tf from '@tensorflow/tfjs';
import { weight, type BertWeights } from '../bert/weights.js';
import type { BertForwardOptions, BertInputs } from '../bert/forward.js';
import { extendedAttentionMask } from '../bert/attention.js';
import { attentionCore } from '../bert/multi-head-attention.js';
import { embeddingLookup } from '../bert/embedding-lookup.js';
import { activation, layerDropoutSeed, layerNorm, linear, maybeDropout } from '../bert/ops.js';
import { AlbertConfig, albertGroupOf } from './config.js';
import { albertLayerPrefix } from './weights.js';

export interface AlbertOutputs {
  lastHiddenState: tf.Tensor3D;
  /** The embedding block's output [b, s, E] (before the E → H projection). */
  embeddingOutput: tf.Tensor3D;
  /**
   * As transformers 5 reports them: the projected embeddings [b, s, H], then the output of every layer run
   * (numHiddenLayers × innerGroupNum entries after the first; numHiddenLayers + 1 in all when innerGroupNum is 1).
   */
  hiddenStates?: tf.Tensor3D[];
  /** Output of each group application (numHiddenLayers entries). */
  groupOutputs?: tf.Tensor3D[];
  /** One per layer run, in order. */
  attentions?: tf.Tensor4D[];
  attentionScores?: tf.Tensor4D[];
}

function checkInputs(inputs: BertInputs, maxPositions: number): void {
  const { inputIds, attentionMask, tokenTypeIds } = inputs;
  if (inputIds.rank !== 2) throw new Error(`inputIds must be rank 2 [batch, seq], got shape [${inputIds.shape}]`);
  if (attentionMask.shape.join() !== inputIds.shape.join()) {
    throw new Error(`attentionMask shape [${attentionMask.shape}] must equal inputIds shape [${inputIds.shape}]`);
  }
  if (tokenTypeIds && tokenTypeIds.shape.join() !== inputIds.shape.join()) {
    throw new Error(`tokenTypeIds shape [${tokenTypeIds.shape}] must equal inputIds shape [${inputIds.shape}]`);
  }
  if (inputIds.shape[1] > maxPositions) {
    throw new Error(`input sequence length ${inputIds.shape[1]} exceeds maxPositionEmbeddings ${maxPositions}`);
  }
}

/** Word + position + token-type embeddings of width E, then LayerNorm (AlbertEmbeddings). */
export function albertEmbeddings(w: BertWeights, cfg: AlbertConfig, inputIds: tf.Tensor2D, tokenTypeIds?: tf.Tensor2D): tf.Tensor3D {
  const [b, s] = inputIds.shape;
  const E = cfg.embeddingSize, p = 'albert.embeddings.';
  const flat = (t: tf.Tensor2D) => (t.dtype === 'int32' ? t : t.toInt()).reshape([-1]) as tf.Tensor1D;
  const words = embeddingLookup(weight(w, `${p}word_embeddings.weight`), flat(inputIds)).reshape([b, s, E]);
  const types = embeddingLookup(weight(w, `${p}token_type_embeddings.weight`), flat(tokenTypeIds ?? tf.zeros([b, s], 'int32')))
    .reshape([b, s, E]);
  const positions = weight(w, `${p}position_embeddings.weight`).slice([0, 0], [s, E]).expandDims(0);
  return layerNorm(tf.add(tf.add(words, types), positions), weight(w, `${p}LayerNorm.weight`), weight(w, `${p}LayerNorm.bias`),
    cfg.layerNormEps) as tf.Tensor3D;
}

/** One AlbertLayer (attention + its LayerNorm, FFN + full_layer_layer_norm); `run` numbers the dropout sites. */
export function albertLayer(w: BertWeights, cfg: AlbertConfig, group: number, inner: number, hidden: tf.Tensor3D,
  extMask: tf.Tensor4D, run: number, drop?: BertForwardOptions['dropout']) {
  const p = albertLayerPrefix(group, inner);
  const a = `${p}attention.`;
  const lin = (x: tf.Tensor, n: string) => linear(x, weight(w, `${n}.weight`), weight(w, `${n}.bias`)) as tf.Tensor3D;
  const seed = drop?.seed;
  const site = (k: 'attentionProbs' | 'attentionOutput' | 'ffnOutput') => (seed === undefined ? undefined : layerDropoutSeed(seed, run, k));
  const att = attentionCore(lin(hidden, `${a}query`), lin(hidden, `${a}key`), lin(hidden, `${a}value`), cfg.numAttentionHeads,
    extMask, { rate: drop?.attention ?? 0, seed: site('attentionProbs') });
  const projected = maybeDropout(lin(att.context, `${a}dense`), drop?.hidden, site('attentionOutput'));
  const attOut = layerNorm(tf.add(hidden, projected), weight(w, `${a}LayerNorm.weight`), weight(w, `${a}LayerNorm.bias`),
    cfg.layerNormEps) as tf.Tensor3D;
  // transformers' AlbertLayer applies no dropout to the FFN output (its self.dropout is unused)
  const ffn = lin(activation(lin(attOut, `${p}ffn`), cfg.hiddenAct), `${p}ffn_output`);
  const output = layerNorm(tf.add(ffn, attOut), weight(w, `${p}full_layer_layer_norm.weight`),
    weight(w, `${p}full_layer_layer_norm.bias`), cfg.layerNormEps) as tf.Tensor3D;
  return { output, probs: att.probs, scores: att.scores };
}

export function albertForward(w: BertWeights, cfg: AlbertConfig, inputs: BertInputs, opts: BertForwardOptions = {}): AlbertOutputs {
  checkInputs(inputs, cfg.maxPositionEmbeddings);
  const drop = opts.dropout;
  const embeddingOutput = maybeDropout(albertEmbeddings(w, cfg, inputs.inputIds, inputs.tokenTypeIds), drop?.hidden, drop?.seed) as tf.Tensor3D;
  let hidden = linear(embeddingOutput, weight(w, 'albert.encoder.embedding_hidden_mapping_in.weight'),
    weight(w, 'albert.encoder.embedding_hidden_mapping_in.bias')) as tf.Tensor3D;
  const ext = extendedAttentionMask(inputs.attentionMask);
  const hiddenStates: tf.Tensor3D[] = [hidden];
  const groupOutputs: tf.Tensor3D[] = [];
  const attentions: tf.Tensor4D[] = [];
  const scores: tf.Tensor4D[] = [];
  let run = 0;
  for (let i = 0; i < cfg.numHiddenLayers; i++) {
    const g = albertGroupOf(cfg, i);
    for (let j = 0; j < cfg.innerGroupNum; j++) {
      const r = albertLayer(w, cfg, g, j, hidden, ext, run++, drop);
      hidden = r.output;
      hiddenStates.push(hidden);
      attentions.push(r.probs);
      scores.push(r.scores);
    }
    groupOutputs.push(hidden);
  }
  const out: AlbertOutputs = { lastHiddenState: hidden, embeddingOutput };
  if (opts.outputHiddenStates) { out.hiddenStates = hiddenStates; out.groupOutputs = groupOutputs; }
  if (opts.outputAttentions) out.attentions = attentions;
  if (opts.outputAttentionScores) out.attentionScores = scores;
  return out;
}

/** MLM logits [b, s, vocab]: dense H → E, activation, LayerNorm(E), decoder (tied word embeddings unless present) + bias. */
export function albertMlmHead(w: BertWeights, cfg: AlbertConfig, hidden: tf.Tensor3D): tf.Tensor3D {
  const t = activation(linear(hidden, weight(w, 'predictions.dense.weight'), weight(w, 'predictions.dense.bias')), cfg.hiddenAct);
  const normed = layerNorm(t, weight(w, 'predictions.LayerNorm.weight'), weight(w, 'predictions.LayerNorm.bias'), cfg.layerNormEps);
  const decoder = w['predictions.decoder.weight'] ?? weight(w, 'albert.embeddings.word_embeddings.weight');
  return linear(normed, decoder, weight(w, 'predictions.bias')) as tf.Tensor3D;
}

/** tanh(albert.pooler(hidden[:, 0])). */
export function albertPoolerOutput(w: BertWeights, cfg: AlbertConfig, hidden: tf.Tensor3D): tf.Tensor2D {
  const [b, , H] = hidden.shape;
  const first = hidden.slice([0, 0, 0], [b, 1, H]).reshape([b, H]);
  return tf.tanh(linear(first, weight(w, 'albert.pooler.weight'), weight(w, 'albert.pooler.bias'))) as tf.Tensor2D;
}

/**
 * AlbertForPreTraining's sentence-order head (transformers' `sop_classifier`): a linear map of the pooled [CLS] to two
 * logits, 0 = the segments in their document's order, 1 = swapped.
 */
export function albertSopLogits(w: BertWeights, cfg: AlbertConfig, hidden: tf.Tensor3D): tf.Tensor2D {
  const pooled = albertPoolerOutput(w, cfg, hidden);
  return linear(pooled, weight(w, 'sop_classifier.classifier.weight'), weight(w, 'sop_classifier.classifier.bias')) as tf.Tensor2D;
}

export function albertClassifierHead(w: BertWeights, _cfg: AlbertConfig, pooled: tf.Tensor2D): tf.Tensor2D {
  return linear(pooled, weight(w, 'classifier.weight'), weight(w, 'classifier.bias')) as tf.Tensor2D;
}
