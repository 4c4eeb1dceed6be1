// Dropout masks from a counter-based hash (PCG, Jarzynski & Olano 2020): element i of a mask with seed s is
// kept when hash(hash(i) ^ key(s)) / 2^24 >= rate, and kept elements are scaled by 1 / (1 - rate), as tf.dropout does.
// tfjs' seeded dropout draws every random number in JavaScript (seedrandom) and uploads them: ~370 ms for one
// [32, 8, 128, 128] attention tensor, most of a GLUE step on the GPU. The hash is computed on the device by
// one kernel on webgpu (webgpu-dropout-mask.ts); elsewhere by the same arithmetic in JavaScript, so every
// backend draws the same mask for the same seed.
import * as tf from '@tensorflow/tfjs';

export const DROPOUT_MASK = 'WidDropoutMask';

/** PCG hash of a 32-bit unsigned integer (u32 arithmetic, as in WGSL). */
export function pcgHash(v: number): number {
  const state = (Math.imul(v >>> 0, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> ((state >>> 28) + 4)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

/** A 32-bit key for any integer seed (tfjs seeds can exceed 2^32). */
export function seedKey(seed: number): number {
  const s = Math.floor(Math.abs(seed));
  return pcgHash((s >>> 0) ^ pcgHash(Math.floor(s / 4294967296) >>> 0));
}

/** The uniform in [0, 1) that element `index` of the mask with `key` compares with the rate. */
export function maskUniform(index: number, key: number): number {
  return (pcgHash((pcgHash(index) ^ key) >>> 0) >>> 8) / 16777216;
}

export function dropoutMaskJs(size: number, rate: number, key: number): Float32Array {
  const scale = 1 / (1 - rate);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = maskUniform(i, key) >= rate ? scale : 0;
  return out;
}

/** 0 or 1/(1-rate) per element; the caller multiplies (and so its gradient is the same mask). */
export function dropoutMask(shape: number[], rate: number, seed: number): tf.Tensor {
  if (!(rate >= 0 && rate < 1)) throw new Error(`dropout rate must be in [0, 1), got ${rate}`);
  const key = seedKey(seed);
  if (tf.getKernel(DROPOUT_MASK, tf.getBackend())) {
    return tf.engine().runKernel(DROPOUT_MASK, {}, { shape, rate, key } as unknown as tf.NamedAttrMap) as tf.Tensor;
  }
  return tf.tensor(dropoutMaskJs(shape.reduce((a, b) => a * b, 1), rate, key), shape, 'float32');
}

/** x with dropout applied (training only); seeded, so a step can be replayed exactly. */
export function hashDropout(x: tf.Tensor, rate: number, seed: number): tf.Tensor {
  return tf.tidy(() => tf.mul(x, dropoutMask(x.shape, rate, seed)));
}
