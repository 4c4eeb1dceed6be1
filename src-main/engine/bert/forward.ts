// The BERT encoder as a pure function of a weight record: no variables, no caches, so methods
// can pass effective weights computed inside a gradient tape (WID compactors).
import * as tf from '@tensorflow/tfjs';
import { BertConfig } from './config.js';
import { BertWeights } from './weights.js';
import { bertEmbeddings } from './embeddings.js';
import { extendedAttentionMask, selfAttention } from './attention.js';
import { feedForward } from './feed-forward.js';
import { maybeDropout } from './ops.js';
import type { DropoutSeed } from '../kernels/dropout-mask.js';
import { scoped } from '../autodiff/shape-only-ops.js';

export { mlmHead, poolerOutput, classifierHead } from './heads.js';

export interface BertInputs {
  inputIds: tf.Tensor2D; // int32 [b, s]
  attentionMask: tf.Tensor2D; // 1 = token, 0 = padding
  tokenTypeIds?: tf.Tensor2D;
}

export interface BertForwardOptions {
  outputHiddenStates?: boolean;
  outputAttentions?: boolean;
  /** Pre-softmax scores with the mask added (TinyBERT's attention loss uses them). */
  outputAttentionScores?: boolean;
  /** Training only; omitted = eval mode. */
  dropout?: { hidden: number; attention: number; seed?: DropoutSeed };
  /**
   * [H] of 0/1: every LayerNorm takes its statistics over these residual dims only (WID's compactor model at the
   * teacher's width once masks exist, as its authors train it; pass the same to mlmHead). Absent = plain BERT.
   */
  layerNormKeep?: tf.Tensor1D | null;
  /**
   * [hidden, table width]: the word table in `w` is [vocab, table width] and the effective table is
   * table · projectionᵀ, applied per looked-up row instead of formed (WID's residual compactor on a
   * 30522-row table). Pass the same to mlmHead for the tied decoder.
   */
  wordProjection?: tf.Tensor2D | null;
}

export interface BertOutputs {
  lastHiddenState: tf.Tensor3D;
  /** Embedding output followed by each layer's output (numHiddenLayers + 1 entries). */
  hiddenStates?: tf.Tensor3D[];
  attentions?: tf.Tensor4D[];
  attentionScores?: tf.Tensor4D[];
}

export function bertForward(w: BertWeights, cfg: BertConfig, inputs: BertInputs, opts: BertForwardOptions = {}): BertOutputs {
  const { inputIds, attentionMask, tokenTypeIds } = inputs;
  if (inputIds.rank !== 2) throw new Error(`inputIds must be rank 2 [batch, seq], got shape [${inputIds.shape}]`);
  if (attentionMask.shape.join() !== inputIds.shape.join()) {
    throw new Error(`attentionMask shape [${attentionMask.shape}] must equal inputIds shape [${inputIds.shape}]`);
  }
  if (tokenTypeIds && tokenTypeIds.shape.join() !== inputIds.shape.join()) {
    throw new Error(`tokenTypeIds shape [${tokenTypeIds.shape}] must equal inputIds shape [${inputIds.shape}]`);
  }
  const drop = opts.dropout;
  const keep = opts.layerNormKeep;
  let hidden = bertEmbeddings(w, cfg, inputIds, tokenTypeIds, keep, opts.wordProjection);
  hidden = maybeDropout(hidden, drop?.hidden, drop?.seed) as tf.Tensor3D;
  const ext = extendedAttentionMask(attentionMask);
  const hiddenStates: tf.Tensor3D[] = [hidden];
  const attentions: tf.Tensor4D[] = [];
  const scores: tf.Tensor4D[] = [];
  for (let i = 0; i < cfg.numHiddenLayers; i++) {
    // one scope per layer: what the layer's gradients did not save is freed at its end (autodiff/shape-only-ops.ts)
    const layerIn = hidden;
    const r = scoped(() => {
      const att = selfAttention(w, cfg, i, layerIn, ext, drop, !!opts.outputAttentionScores, keep);
      const out = feedForward(w, cfg, i, att.output, drop, keep);
      // only what the caller asked for leaves the scope
      return { out, ...(opts.outputAttentions ? { probs: att.probs } : {}), ...(opts.outputAttentionScores && att.scores ? { scores: att.scores } : {}) };
    });
    hidden = r.out;
    hiddenStates.push(hidden);
    if (r.probs) attentions.push(r.probs);
    if (r.scores) scores.push(r.scores);
  }
  const out: BertOutputs = { lastHiddenState: hidden };
  if (opts.outputHiddenStates) out.hiddenStates = hiddenStates;
  if (opts.outputAttentions) out.attentions = attentions;
  if (opts.outputAttentionScores) out.attentionScores = scores;
  return out;
}
