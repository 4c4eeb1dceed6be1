// softmax(scores · scale + mask) over the keys as one custom op with an analytic gradient: on webgpu one
// kernel forward and one backward (webgpu-attention-softmax.ts) instead of scale, mask add, clamp and softmax
// forward and ~7 kernels backward over the [batch, heads, seq, seq] scores. Elsewhere the same math runs as
// tfjs ops. The clamp at float32's lowest value keeps a masked score finite, as transformers' finfo.min does.
import * as tf from '@tensorflow/tfjs';
import { fusionsOn } from './fusions.js';

export const ATTN_SOFTMAX = 'WidAttentionSoftmax'; // raw [b, h, q, k], mask [b, 1, 1, k] -> probs
export const ATTN_SOFTMAX_GRAD = 'WidAttentionSoftmaxGrad'; // probs, dy -> d raw

const MASK_MIN = -3.4028234663852886e38;
const has = (name: string) => tf.getKernel(name, tf.getBackend()) !== undefined;


export function fusedAttentionSoftmaxAvailable(): boolean {
  return fusionsOn('attention-softmax') && has(ATTN_SOFTMAX) && has(ATTN_SOFTMAX_GRAD);
}

function forward(raw: tf.Tensor4D, mask: tf.Tensor4D, scale: number): tf.Tensor4D {
  if (has(ATTN_SOFTMAX)) return tf.engine().runKernel(ATTN_SOFTMAX, { raw, mask }, { scale }) as tf.Tensor4D;
  return tf.tidy(() => tf.softmax(tf.maximum(tf.add(tf.mul(raw, scale), mask), MASK_MIN), -1) as tf.Tensor4D);
}

function backward(probs: tf.Tensor4D, dy: tf.Tensor4D, scale: number): tf.Tensor4D {
  if (has(ATTN_SOFTMAX_GRAD)) return tf.engine().runKernel(ATTN_SOFTMAX_GRAD, { probs, dy }, { scale }) as tf.Tensor4D;
  return tf.tidy(() => tf.mul(tf.mul(probs, tf.sub(dy, tf.sum(tf.mul(dy, probs), -1, true))), scale) as tf.Tensor4D);
}

/** Attention probabilities from raw scores q·kᵀ [b, h, q, k] and an additive mask [b, 1, 1, k]; no gradient to the mask. */
export function attentionSoftmax(raw: tf.Tensor4D, mask: tf.Tensor4D, scale: number): tf.Tensor4D {
  const op = tf.customGrad(((r: tf.Tensor4D, m: tf.Tensor4D, save: tf.GradSaveFunc) => {
    const probs = forward(r, m, scale);
    save([probs]);
    return { value: probs, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [backward(saved[0] as tf.Tensor4D, dy as tf.Tensor4D, scale), tf.zerosLike(m)] };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (r: tf.Tensor4D, m: tf.Tensor4D) => tf.Tensor4D;
  return op(raw, mask);
}
