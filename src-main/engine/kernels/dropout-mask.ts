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

/**
 * A dropout seed whose step-dependent part lives on the device: value = step + offset, with `stepWords` the int32
 * tensor [step mod 2^32, floor(step / 2^32)]. A captured training step takes `stepWords` as an input, so each replay
 * draws that step's masks; `offset` (the run's seed plus a per-layer constant) is fixed for the step.
 */
export interface DeviceSeed { step: number; offset: number; stepWords: tf.Tensor }
export type DropoutSeed = number | DeviceSeed;

/** The seed `k` further on (each dropout site of a layer uses its own). */
export const seedPlus = (seed: DropoutSeed, k: number): DropoutSeed => (typeof seed === 'number' ? seed + k : { ...seed, offset: seed.offset + k });
export const seedValue = (seed: DropoutSeed): number => (typeof seed === 'number' ? seed : seed.step + seed.offset);

/** [lo, hi] 32-bit words of a non-negative integer below 2^53. */
export function seedWords(n: number): [number, number] {
  const a = Math.floor(Math.abs(n));
  return [a >>> 0, Math.floor(a / 4294967296) >>> 0];
}

/** The int32 tensor a DeviceSeed reads its step from. */
export const stepWordsTensor = (step: number): tf.Tensor1D => tf.tensor1d(seedWords(step).map((w) => w | 0), 'int32');

/** The step's seed on the device when `stepWords` is given, else the plain number base + step. */
export function stepSeed(base: number, step: number, stepWords?: tf.Tensor): DropoutSeed {
  return stepWords ? { step, offset: base, stepWords } : base + step;
}

/** 0 or 1/(1-rate) per element; the caller multiplies (and so its gradient is the same mask). */
export function dropoutMask(shape: number[], rate: number, seed: DropoutSeed): tf.Tensor {
  if (!(rate >= 0 && rate < 1)) throw new Error(`dropout rate must be in [0, 1), got ${rate}`);
  const value = seedValue(seed);
  if (tf.getKernel(DROPOUT_MASK, tf.getBackend())) {
    // the device adds step and offset as 64-bit words, which equals seedKey's |value| only for value >= 0 and offset >= 0
    const onDevice = typeof seed !== 'number' && seed.offset >= 0 && value >= 0;
    const words = onDevice ? seed.stepWords : stepWordsTensor(value);
    const [offLo, offHi] = seedWords(onDevice ? seed.offset : 0);
    try {
      return tf.engine().runKernel(DROPOUT_MASK, { words }, { shape, rate, offLo: offLo | 0, offHi: offHi | 0 } as unknown as tf.NamedAttrMap) as tf.Tensor;
    } finally {
      if (words !== (seed as DeviceSeed).stepWords) words.dispose();
    }
  }
  return tf.tensor(dropoutMaskJs(shape.reduce((a, b) => a * b, 1), rate, seedKey(value)), shape, 'float32');
}

/** x with dropout applied (training only); seeded, so a step can be replayed exactly. */
export function hashDropout(x: tf.Tensor, rate: number, seed: DropoutSeed): tf.Tensor {
  return tf.tidy(() => tf.mul(x, dropoutMask(x.shape, rate, seed)));
}
