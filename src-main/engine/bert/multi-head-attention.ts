// The attention core every BERT-family block shares, on inputs already projected to query/key/value:
// softmax(q·kᵀ/√d + mask)·v per head. ALBERT and MobileBERT call it with their own projections (MobileBERT's
// queries/keys come from a bottleneck, its values may not); bert/attention.ts keeps its own copy for the BERT path.
import * as tf from '@tensorflow/tfjs';
import { MASK_MIN, maybeDropout } from './ops.js';
import type { DropoutSeed } from '../kernels/dropout-mask.js';

export interface AttentionCoreResult {
  /** [b, s, heads·d], heads concatenated as transformers does. */
  context: tf.Tensor3D;
  probs: tf.Tensor4D;
  /** Pre-softmax scores with the additive mask, as bertForward's attentionScores. */
  scores: tf.Tensor4D;
}

/** q, k, v [b, s, heads·d]; extMask [b, 1, 1, s] additive (extendedAttentionMask). */
export function attentionCore(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, heads: number, extMask: tf.Tensor4D,
  probsDropout?: { rate: number; seed?: DropoutSeed }): AttentionCoreResult {
  const [b, s, A] = q.shape;
  if (A % heads !== 0) throw new Error(`attention width ${A} is not a multiple of ${heads} heads`);
  const d = A / heads;
  const split = (x: tf.Tensor) => x.reshape([b, s, heads, d]).transpose([0, 2, 1, 3]);
  const raw = tf.div(tf.matMul(split(q), split(k), false, true), Math.sqrt(d));
  const scores = tf.maximum(tf.add(raw, extMask), MASK_MIN) as tf.Tensor4D;
  const probs = tf.softmax(scores, -1) as tf.Tensor4D;
  const dropped = maybeDropout(probs, probsDropout?.rate, probsDropout?.seed);
  const context = tf.matMul(dropped, split(v)).transpose([0, 2, 1, 3]).reshape([b, s, A]) as tf.Tensor3D;
  return { context, probs, scores };
}
