// Multi-head self-attention with additive padding mask (BertSelfAttention + BertSelfOutput).
import * as tf from '@tensorflow/tfjs';
import { BertConfig } from './config.js';
import { BertWeights, weight } from './weights.js';
import { layerDropoutSeed, layerNorm, linear, MASK_MIN, maybeDropout } from './ops.js';
import type { DropoutSeed } from '../kernels/dropout-mask.js';
import { attentionSoftmax, fusedAttentionSoftmaxAvailable } from '../kernels/attention-softmax.js';
import * as lean from '../autodiff/shape-only-ops.js';

/** `scores` (pre-softmax, mask added) only when asked for: the fused softmax does not form them. */
export interface AttentionResult { output: tf.Tensor3D; probs: tf.Tensor4D; scores?: tf.Tensor4D }

/** attentionMask [b,s] of 1/0 -> additive [b,1,1,s] of 0 / large negative (transformers uses finfo.min). */
export function extendedAttentionMask(attentionMask: tf.Tensor2D): tf.Tensor4D {
  const [b, s] = attentionMask.shape;
  return tf.mul(tf.sub(1, attentionMask.toFloat()), MASK_MIN).reshape([b, 1, 1, s]) as tf.Tensor4D;
}

export function selfAttention(
  w: BertWeights, cfg: BertConfig, layer: number, hidden: tf.Tensor3D, extMask: tf.Tensor4D,
  dropout?: { hidden: number; attention: number; seed?: DropoutSeed }, wantScores = true, layerNormKeep?: tf.Tensor1D | null,
): AttentionResult {
  const [b, s, H] = hidden.shape;
  const heads = cfg.numAttentionHeads, d = H / heads;
  const p = `bert.encoder.layer.${layer}.attention.`;
  const split = (x: tf.Tensor) => lean.reshape(x, [b, s, heads, d]).transpose([0, 2, 1, 3]);
  const q = split(linear(hidden, weight(w, `${p}self.query.weight`), weight(w, `${p}self.query.bias`)));
  const k = split(linear(hidden, weight(w, `${p}self.key.weight`), weight(w, `${p}self.key.bias`)));
  const v = split(linear(hidden, weight(w, `${p}self.value.weight`), weight(w, `${p}self.value.bias`)));
  let scores: tf.Tensor4D | undefined;
  let probs: tf.Tensor4D;
  if (!wantScores && fusedAttentionSoftmaxAvailable()) {
    probs = attentionSoftmax(tf.matMul(q, k, false, true) as tf.Tensor4D, extMask, 1 / Math.sqrt(d));
  } else {
    const raw = tf.div(tf.matMul(q, k, false, true), Math.sqrt(d));
    // min-float mask added to finite scores stays finite; clamp keeps it from overflowing to -inf
    scores = tf.maximum(tf.add(raw, extMask), MASK_MIN) as tf.Tensor4D;
    probs = tf.softmax(scores, -1) as tf.Tensor4D;
  }
  const seed = dropout?.seed;
  const probsDropped = maybeDropout(probs, dropout?.attention, seed === undefined ? undefined : layerDropoutSeed(seed, layer, 'attentionProbs'));
  const ctx = tf.matMul(probsDropped, v).transpose([0, 2, 1, 3]).reshape([b, s, H]);
  const projected = maybeDropout(linear(ctx, weight(w, `${p}output.dense.weight`), weight(w, `${p}output.dense.bias`)),
    dropout?.hidden, seed === undefined ? undefined : layerDropoutSeed(seed, layer, 'attentionOutput'));
  const output = layerNorm(lean.add(projected, hidden), weight(w, `${p}output.LayerNorm.weight`),
    weight(w, `${p}output.LayerNorm.bias`), cfg.layerNormEps, layerNormKeep) as tf.Tensor3D;
  return { output, probs, scores };
}
