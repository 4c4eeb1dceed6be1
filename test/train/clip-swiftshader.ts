// Child process of clip.test.ts (webgpu on SwiftShader, set up by the parent): the global norm's Σ g² per gradient
// with the squares summed by rows in one dispatch (kernels/webgpu-sum-of-squares.ts) against the float64 sum
// and WID_FUSIONS=-sum-of-squares (tfjs' square, then its sums): a scalar, a vector, a
// matrix under and over 65,536 entries, a rank-3 tensor, rows wider than a workgroup, inf and NaN. Prints one JSON line.
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { clipByGlobalNormTensor, sumOfSquares } from '../../src-main/engine/train/clip.js';
import { withShaderKeys } from '../support/shader-keys.js';

const shapes: number[][] = [[], [7], [300], [37, 45], [300, 300], [2, 5, 33], [3, 1000]];
let seed = 5;
const r = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 4;
const inputs = shapes.map((s) => Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, r));

/** Each tensor's Σ g² with the backend's sumOfSquares, under `env`, and the shader keys that ran. */
async function sums(env: Record<string, string>) {
  Object.assign(process.env, env);
  try {
    const { result, keys } = await withShaderKeys(() => normsOf());
    return { ...result, rowKernels: keys.filter((k) => k === 'widRowSquareSum').length, squares: keys.filter((k) => k.startsWith('unary')).length };
  } finally {
    for (const k of Object.keys(env)) delete process.env[k];
  }
}

/** Σ g² of every input, of two matrices holding inf and NaN, and the global norm of two of the inputs. */
async function normsOf() {
  const before = tf.memory().numTensors;
  const out: number[] = [];
  for (const [i, s] of shapes.entries()) {
    const g = tf.tensor(inputs[i], s);
    const v = sumOfSquares(g);
    out.push((await v.data())[0]);
    tf.dispose([g, v]);
  }
  // a non-finite entry makes the sum non-finite (the loss scale and the loop's divergence check rely on it)
  const bad = await Promise.all([Infinity, NaN].map(async (x) => {
    const g = tf.tensor2d([[1, 2, x], [3, 4, 5]]);
    const v = sumOfSquares(g);
    const y = (await v.data())[0];
    tf.dispose([g, v]);
    return y;
  }));
  const grads = { a: tf.tensor2d(inputs[3], [37, 45]), b: tf.tensor1d(inputs[2]) };
  const clipped = clipByGlobalNormTensor(grads, 1);
  const norm = (await clipped.norm.data())[0];
  tf.dispose([grads.a, grads.b, clipped.grads.a, clipped.grads.b, clipped.norm]);
  return { out, bad, norm, leaked: tf.memory().numTensors - before };
}

const reference = inputs.map((a) => a.reduce((s, v) => s + v * v, 0));
const backend = await selectBackend('webgpu');
const fused = await sums({});
const unfused = await sums({ WID_FUSIONS: '-sum-of-squares' });
const relTo = (got: number[]) => Math.max(...got.map((v, i) => Math.abs(v - reference[i]) / reference[i]));
console.log(JSON.stringify({
  device: backend.device, shapes: shapes.length,
  fused: { rel: relTo(fused.out), bad: fused.bad.map(String), leaked: fused.leaked, rowKernels: fused.rowKernels, squares: fused.squares, norm: fused.norm },
  unfused: { rel: relTo(unfused.out), bad: unfused.bad.map(String), rowKernels: unfused.rowKernels, squares: unfused.squares, norm: unfused.norm },
  referenceNorm: Math.sqrt(reference[3] + reference[2]),
}));
