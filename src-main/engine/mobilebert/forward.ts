// The MobileBERT encoder as a pure function of a weight record (like bertForward), as transformers'
// modeling_mobilebert defines it: trigram embedding → E·3 → H, then per layer an input bottleneck H → T,
// attention in width T, numFeedforwardNetworks FFNs, and an output bottleneck T → H with a residual to the
// layer's input. NoNorm is x·γ + β.
import * as tf from '@tensorflow/tfjs';
import { weight, type BertWeights } from '../bert/weights.js';
import type { BertForwardOptions, BertInputs } from '../bert/forward.js';
import { extendedAttentionMask } from '../bert/attention.js';
import { attentionCore } from '../bert/multi-head-attention.js';
import { embeddingLookup } from '../bert/embedding-lookup.js';
import { activation, layerDropoutSeed, layerNorm, linear, maybeDropout } from '../bert/ops.js';
import { seedPlus, type DropoutSeed } from '../kernels/dropout-mask.js';
import { MobileBertConfig } from './config.js';
import { mobileBertLayerPrefix } from './weights.js';

export interface MobileBertOutputs {
  lastHiddenState: tf.Tensor3D;
  /** Embedding output followed by each layer's output (numHiddenLayers + 1 entries, width H). */
  hiddenStates?: tf.Tensor3D[];
  attentions?: tf.Tensor4D[];
  attentionScores?: tf.Tensor4D[];
  /** Each layer's attention output after its stacked FFNs, width T (the feature map inside the bottleneck). */
  innerStates?: tf.Tensor3D[];
}

/**
 * The eps of each normalisation site when it is a LayerNorm. transformers builds the embeddings' LayerNorm and
 * MobileBertOutput's LayerNorm without passing layer_norm_eps, so they use torch's default 1e-5; every other site
 * passes config.layer_norm_eps (test/fixtures/mobilebert-*\/reference.json records each module's eps).
 */
export type MobileBertNormSite = 'embeddings' | 'attentionOutput' | 'output' | 'outputBottleneck' | 'bottleneck' | 'ffnOutput' | 'head';
export function mobileBertNormEps(cfg: MobileBertConfig, site: MobileBertNormSite): number {
  return site === 'embeddings' || site === 'output' ? 1e-5 : cfg.layerNormEps;
}

/** NoNorm (x·γ + β) or LayerNorm, as config.normalization_type says; the MLM head always uses LayerNorm. */
export function mobileBertNorm(w: BertWeights, cfg: MobileBertConfig, name: string, x: tf.Tensor, site: MobileBertNormSite): tf.Tensor {
  const g = weight(w, `${name}.weight`), b = weight(w, `${name}.bias`);
  if (cfg.normalizationType === 'no_norm' && site !== 'head') return tf.add(tf.mul(x, g), b);
  return layerNorm(x, g, b, mobileBertNormEps(cfg, site));
}

const lin = (w: BertWeights, x: tf.Tensor, n: string) => linear(x, weight(w, `${n}.weight`), weight(w, `${n}.bias`)) as tf.Tensor3D;

/** Word embeddings of width E, each token's right and left neighbours beside it (trigram), projected to H; + positions + types; norm. */
export function mobileBertEmbeddings(w: BertWeights, cfg: MobileBertConfig, inputIds: tf.Tensor2D, tokenTypeIds?: tf.Tensor2D): tf.Tensor3D {
  const [b, s] = inputIds.shape;
  const E = cfg.embeddingSize, H = cfg.hiddenSize, p = 'mobilebert.embeddings.';
  const flat = (t: tf.Tensor2D) => (t.dtype === 'int32' ? t : t.toInt()).reshape([-1]) as tf.Tensor1D;
  let x: tf.Tensor3D = embeddingLookup(weight(w, `${p}word_embeddings.weight`), flat(inputIds)).reshape([b, s, E]);
  if (cfg.trigramInput) {
    // [x(t+1) | x(t) | x(t-1)], zeros past either end
    const zero = tf.zeros([b, 1, E]);
    const next = s > 1 ? tf.concat([x.slice([0, 1, 0], [b, s - 1, E]), zero], 1) : zero;
    const prev = s > 1 ? tf.concat([zero, x.slice([0, 0, 0], [b, s - 1, E])], 1) : zero;
    x = tf.concat([next, x, prev], 2) as tf.Tensor3D;
  }
  if (cfg.trigramInput || E !== H) x = lin(w, x, `${p}embedding_transformation`);
  const types = embeddingLookup(weight(w, `${p}token_type_embeddings.weight`), flat(tokenTypeIds ?? tf.zeros([b, s], 'int32')))
    .reshape([b, s, H]);
  const positions = weight(w, `${p}position_embeddings.weight`).slice([0, 0], [s, H]).expandDims(0);
  return mobileBertNorm(w, cfg, `${p}LayerNorm`, tf.add(tf.add(x, positions), types), 'embeddings') as tf.Tensor3D;
}

/** One MobileBertLayer. Dropout sites: layerDropoutSeed's three, and 7·layer + 4 for the output bottleneck. */
export function mobileBertLayer(w: BertWeights, cfg: MobileBertConfig, layer: number, hidden: tf.Tensor3D, extMask: tf.Tensor4D,
  drop?: BertForwardOptions['dropout']) {
  const p = mobileBertLayerPrefix(layer);
  const seed = drop?.seed;
  const site = (k: 'attentionProbs' | 'attentionOutput' | 'ffnOutput'): DropoutSeed | undefined =>
    (seed === undefined ? undefined : layerDropoutSeed(seed, layer, k));
  const norm = (name: string, x: tf.Tensor, s: MobileBertNormSite) => mobileBertNorm(w, cfg, `${p}${name}`, x, s) as tf.Tensor3D;
  let q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, layerInput: tf.Tensor3D;
  if (cfg.useBottleneck) {
    layerInput = norm('bottleneck.input.LayerNorm', lin(w, hidden, `${p}bottleneck.input.dense`), 'bottleneck');
    if (cfg.useBottleneckAttention) q = k = v = layerInput;
    else if (cfg.keyQuerySharedBottleneck) {
      q = k = norm('bottleneck.attention.LayerNorm', lin(w, hidden, `${p}bottleneck.attention.dense`), 'bottleneck');
      v = hidden;
    } else q = k = v = hidden;
  } else q = k = v = layerInput = hidden;
  const a = `${p}attention.`;
  const att = attentionCore(lin(w, q, `${a}self.query`), lin(w, k, `${a}self.key`), lin(w, v, `${a}self.value`),
    cfg.numAttentionHeads, extMask, { rate: drop?.attention ?? 0, seed: site('attentionProbs') });
  let selfOut = lin(w, att.context, `${a}output.dense`);
  if (!cfg.useBottleneck) selfOut = maybeDropout(selfOut, drop?.hidden, site('attentionOutput')) as tf.Tensor3D;
  let attOut = norm('attention.output.LayerNorm', tf.add(selfOut, layerInput), 'attentionOutput');
  for (let f = 0; f < cfg.numFeedforwardNetworks - 1; f++) {
    const fp = `${p}ffn.${f}.`;
    const inter = activation(lin(w, attOut, `${fp}intermediate.dense`), cfg.hiddenAct);
    attOut = norm(`ffn.${f}.output.LayerNorm`, tf.add(lin(w, inter, `${fp}output.dense`), attOut), 'ffnOutput');
  }
  const inter = activation(lin(w, attOut, `${p}intermediate.dense`), cfg.hiddenAct);
  let out = lin(w, inter, `${p}output.dense`);
  if (!cfg.useBottleneck) {
    out = norm('output.LayerNorm', tf.add(maybeDropout(out, drop?.hidden, site('ffnOutput')), attOut), 'output');
  } else {
    out = norm('output.LayerNorm', tf.add(out, attOut), 'output');
    const up = maybeDropout(lin(w, out, `${p}output.bottleneck.dense`), drop?.hidden,
      seed === undefined ? undefined : seedPlus(seed, 7 * layer + 4));
    out = norm('output.bottleneck.LayerNorm', tf.add(up, hidden), 'outputBottleneck');
  }
  return { output: out, probs: att.probs, scores: att.scores, inner: attOut };
}

export function mobileBertForward(w: BertWeights, cfg: MobileBertConfig, inputs: BertInputs, opts: BertForwardOptions = {}): MobileBertOutputs {
  const { inputIds, attentionMask, tokenTypeIds } = inputs;
  if (inputIds.rank !== 2) throw new Error(`inputIds must be rank 2 [batch, seq], got shape [${inputIds.shape}]`);
  if (attentionMask.shape.join() !== inputIds.shape.join()) {
    throw new Error(`attentionMask shape [${attentionMask.shape}] must equal inputIds shape [${inputIds.shape}]`);
  }
  if (tokenTypeIds && tokenTypeIds.shape.join() !== inputIds.shape.join()) {
    throw new Error(`tokenTypeIds shape [${tokenTypeIds.shape}] must equal inputIds shape [${inputIds.shape}]`);
  }
  if (inputIds.shape[1] > cfg.maxPositionEmbeddings) {
    throw new Error(`input sequence length ${inputIds.shape[1]} exceeds maxPositionEmbeddings ${cfg.maxPositionEmbeddings}`);
  }
  const drop = opts.dropout;
  let hidden = maybeDropout(mobileBertEmbeddings(w, cfg, inputIds, tokenTypeIds), drop?.hidden, drop?.seed) as tf.Tensor3D;
  const ext = extendedAttentionMask(attentionMask);
  const hiddenStates = [hidden];
  const attentions: tf.Tensor4D[] = [];
  const scores: tf.Tensor4D[] = [];
  const inner: tf.Tensor3D[] = [];
  for (let i = 0; i < cfg.numHiddenLayers; i++) {
    const r = mobileBertLayer(w, cfg, i, hidden, ext, drop);
    hidden = r.output;
    hiddenStates.push(hidden);
    attentions.push(r.probs);
    scores.push(r.scores);
    inner.push(r.inner);
  }
  const out: MobileBertOutputs = { lastHiddenState: hidden };
  if (opts.outputHiddenStates) { out.hiddenStates = hiddenStates; out.innerStates = inner; }
  if (opts.outputAttentions) out.attentions = attentions;
  if (opts.outputAttentionScores) out.attentionScores = scores;
  return out;
}

/**
 * MLM logits [b, s, vocab]: transform (dense H → H, activation, LayerNorm), then one product with
 * [decoderᵀ ; cls.predictions.dense.weight] ([E + (H - E), vocab]) + bias: the first E features meet the tied word
 * embeddings, the other H - E the head's own extra dense part.
 */
export function mobileBertMlmHead(w: BertWeights, cfg: MobileBertConfig, hidden: tf.Tensor3D): tf.Tensor3D {
  const p = 'cls.predictions.';
  const t = activation(lin(w, hidden, `${p}transform.dense`), cfg.hiddenAct);
  const normed = mobileBertNorm(w, cfg, `${p}transform.LayerNorm`, t, 'head');
  const decoder = w[`${p}decoder.weight`] ?? weight(w, 'mobilebert.embeddings.word_embeddings.weight'); // [V, E]
  const full = tf.concat([decoder, tf.transpose(weight(w, `${p}dense.weight`))], 1); // [V, H]
  return linear(normed, full, weight(w, `${p}bias`)) as tf.Tensor3D;
}

/** tanh(dense(h[:, 0])) when classifierActivation, else h[:, 0]. */
export function mobileBertPoolerOutput(w: BertWeights, cfg: MobileBertConfig, hidden: tf.Tensor3D): tf.Tensor2D {
  const [b, , H] = hidden.shape;
  const first = hidden.slice([0, 0, 0], [b, 1, H]).reshape([b, H]) as tf.Tensor2D;
  if (!cfg.classifierActivation) return first;
  return tf.tanh(linear(first, weight(w, 'mobilebert.pooler.dense.weight'), weight(w, 'mobilebert.pooler.dense.bias'))) as tf.Tensor2D;
}

export function mobileBertClassifierHead(w: BertWeights, _cfg: MobileBertConfig, pooled: tf.Tensor2D): tf.Tensor2D {
  return linear(pooled, weight(w, 'classifier.weight'), weight(w, 'classifier.bias')) as tf.Tensor2D;
}
