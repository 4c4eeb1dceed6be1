// Small numeric building blocks shared by the BERT blocks; torch semantics.
import * as tf from '@tensorflow/tfjs';
import { hashDropout, seedPlus, type DropoutSeed } from '../kernels/dropout-mask.js';
import { HiddenAct } from './config.js';
import { fusedKeepLayerNormAvailable, fusedLayerNormAvailable, layerNormFused } from '../kernels/layer-norm.js';
import { biasGeluFused, fusedBiasGeluAvailable, fusedGeluAvailable, geluFused } from '../kernels/gelu.js';
import * as lean from '../autodiff/shape-only-ops.js';
import { matMulBiasAvailable, matMulTransposedBBias } from '../kernels/matmul-bias.js';

// x·Wᵀ with only untransposed matMuls, forward and backward: tfjs-wasm's matMul with a transpose flag
// is 10-20x slower than a plain one (fwd+bwd of [2048x256]·[1024x256]ᵀ: 8.8 s with flags, 0.55 s
// this way, on 2 loaded cores). Kept beside kernels/wasm-matmul.ts, which does the
// same inside the kernel: without this the BERT train step ran 1,594 ms instead of 1,424 (bench wasm-matmul).
const matMulTransposedB = tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    value: tf.matMul(x, tf.transpose(w)),
    gradFunc: (dy: tf.Tensor, [sx, sw]: tf.Tensor[]) => [tf.matMul(dy as tf.Tensor2D, sw as tf.Tensor2D), tf.matMul(tf.transpose(dy as tf.Tensor2D), sx as tf.Tensor2D)],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;

/** torch.nn.Linear: x [..., in] · Wᵀ + b with W stored [out, in]. */
export function linear(x: tf.Tensor, w: tf.Tensor, b?: tf.Tensor): tf.Tensor {
  const inDim = x.shape[x.shape.length - 1];
  if (w.shape[1] !== inDim) {
    throw new Error(`linear: weight shape [${w.shape}] does not take inputs of width ${inDim}`);
  }
  const lead = x.shape.slice(0, -1);
  const x2d = x.reshape([-1, inDim]) as tf.Tensor2D;
  // webgpu: the bias added in the matmul kernel's store (kernels/matmul-bias.ts)
  const fused = b && b.rank === 1 && matMulBiasAvailable();
  const y = fused ? matMulTransposedBBias(x2d, w as tf.Tensor2D, b as tf.Tensor1D)
    : tf.getBackend() === 'wasm' ? matMulTransposedB(x2d, w as tf.Tensor2D) : tf.matMul(x2d, w as tf.Tensor2D, false, true);
  // the bias add and the reshape keep no tensor for their gradients (autodiff/shape-only-ops.ts)
  const yb = b && !fused ? lean.add(y, b) : y;
  return lead.length === 1 ? yb : lean.reshape(yb, [...lead, w.shape[0]]);
}

/**
 * LayerNorm over the last axis (biased variance, like torch). `keep` ([H] of 0/1): mean and variance over the
 * kept dims only, the output still covering every dim — WID's compactor model as its authors train it
 * (uer/layers/layer_norm.py:18-34; docs/wid.md §3); null or absent = ordinary LayerNorm.
 */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number, keep?: tf.Tensor1D | null): tf.Tensor {
  if (keep) {
    // webgpu: the fused kernels read keep as a buffer (WID_FUSIONS=-layer-norm-keep: these composite ops)
    if (fusedKeepLayerNormAvailable()) return layerNormFused(x, gamma, beta, eps, keep);
    const k = tf.sum(keep);
    const mean = tf.div(tf.sum(tf.mul(x, keep), -1, true), k);
    const centred = tf.sub(x, mean);
    const variance = tf.div(tf.sum(tf.mul(tf.square(centred), keep), -1, true), k);
    return tf.add(tf.mul(tf.div(centred, tf.sqrt(tf.add(variance, eps))), gamma), beta);
  }
  // webgpu: one custom op with an analytic gradient (kernels/layer-norm.ts), same math, far fewer dispatches
  if (fusedLayerNormAvailable()) return layerNormFused(x, gamma, beta, eps);
  const axis = x.rank - 1;
  const { mean, variance } = tf.moments(x, axis, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), gamma), beta);
}

/** activation(linear(x, w, b)); with exact GELU on webgpu the bias add runs inside the GELU kernel (kernels/gelu.ts). */
export function linearActivation(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, act: HiddenAct): tf.Tensor {
  if (act === 'gelu' && fusedBiasGeluAvailable()) return biasGeluFused(linear(x, w), b);
  return activation(linear(x, w, b), act);
}

export function activation(x: tf.Tensor, act: HiddenAct): tf.Tensor {
  switch (act) {
    case 'gelu': // exact erf GELU, as transformers' "gelu"
      if (fusedGeluAvailable()) return geluFused(x); // webgpu: kernels/gelu.ts, same math
      return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2))));
    case 'gelu_new': { // tanh approximation
      const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
      return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
    }
    case 'relu':
      return tf.relu(x);
  }
}

/** The additive attention-mask value of padded positions: float32's lowest value, as transformers' finfo.min. */
export const MASK_MIN = -3.4028234663852886e38;

/** Where a layer applies dropout; each site draws its own mask. */
export const DROPOUT_SITE = { attentionProbs: 1, attentionOutput: 2, ffnOutput: 3 } as const;

/** The seed of one dropout site of a layer: seed + 7·layer + site (the embeddings use the seed itself). */
export const layerDropoutSeed = (seed: DropoutSeed, layer: number, site: keyof typeof DROPOUT_SITE): DropoutSeed =>
  seedPlus(seed, 7 * layer + DROPOUT_SITE[site]);

/**
 * Training-time dropout. Seeded: a mask from a counter-based hash (kernels/dropout-mask.ts), drawn on the
 * device where the backend has the kernel (webgpu), the same mask on every backend. Unseeded: tf.dropout.
 */
export function maybeDropout(x: tf.Tensor, rate: number | undefined, seed: DropoutSeed | undefined): tf.Tensor {
  if (!rate || rate <= 0) return x;
  if (seed === undefined) return tf.dropout(x, rate);
  return hashDropout(x, rate, seed);
}
