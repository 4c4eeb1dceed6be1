// Child process of fusions.test.ts: the LayerNorm's γ and β gradients in one pass on webgpu (SwiftShader;
// kernels/webgpu-layer-norm-param-grads.ts) against the cpu backend and against WID_FUSIONS=-layer-norm-grads (x̂, a
// multiply and two column sums): plain and with WID's keep vector, one chunk of rows and several, and with chunks of
// 8 rows (WID_COLUMN_SUM_ROWS=8: three passes over the partial rows). Prints one JSON line.
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { layerNormFused } from '../../src-main/engine/kernels/layer-norm.js';
import { withShaderKeys } from '../support/shader-keys.js';

interface Case { name: string; rows: number; width: number; keep: boolean; env?: Record<string, string> }
const cases: Case[] = [
  { name: '37 x 70', rows: 37, width: 70, keep: false },
  { name: '600 x 200', rows: 600, width: 200, keep: false },
  { name: '600 x 200, keep', rows: 600, width: 200, keep: true },
  { name: '600 x 200, chunks of 8 rows', rows: 600, width: 200, keep: false, env: { WID_COLUMN_SUM_ROWS: '8' } },
  { name: '600 x 200, unfused', rows: 600, width: 200, keep: false, env: { WID_FUSIONS: '-layer-norm-grads' } },
];

function data(c: Case) {
  let seed = c.rows * 7 + c.width;
  const r = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const n = c.rows * c.width;
  return {
    x: Float32Array.from({ length: n }, () => (r() - 0.3) * 6), w: Float32Array.from({ length: n }, () => r() - 0.5),
    g: Float32Array.from({ length: c.width }, () => 0.5 + r()), b: Float32Array.from({ length: c.width }, () => r() - 0.5),
    keep: Float32Array.from({ length: c.width }, (_, i) => (i % 3 === 1 ? 0 : 1)),
  };
}

/** y and the gradients of sum(y · w) for x, γ, β; the shader keys webgpu ran. */
async function run(c: Case) {
  const d = data(c);
  const saved = Object.fromEntries(Object.keys(c.env ?? {}).map((k) => [k, process.env[k]]));
  Object.assign(process.env, c.env ?? {});
  const x = tf.tensor2d(d.x, [c.rows, c.width]), w = tf.tensor2d(d.w, [c.rows, c.width]);
  const g = tf.tensor1d(d.g), b = tf.tensor1d(d.b), keep = c.keep ? tf.tensor1d(d.keep) : null;
  try {
    const f = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => layerNormFused(xx, gg, bb, 1e-12, keep);
    const { result: values, keys } = await withShaderKeys(async () => {
      const outs = [f(x, g, b), ...tf.grads((xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(f(xx, gg, bb), w)))([x, g, b])];
      const v = await Promise.all(outs.map(async (t) => Array.from(await t.data())));
      tf.dispose(outs);
      return v;
    });
    return { values, keys };
  } finally {
    tf.dispose([x, w, g, b, ...(keep ? [keep] : [])]);
    for (const [k, v] of Object.entries(saved)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
  }
}

/** Largest |a − b| over the largest |b|, per tensor (y, dx, dγ, dβ). */
const rel = (a: number[][], b: number[][]) => a.map((t, i) => {
  let diff = 0, m = 0;
  t.forEach((v, j) => { diff = Math.max(diff, Math.abs(v - b[i][j])); m = Math.max(m, Math.abs(b[i][j])); });
  return t.length === b[i].length ? diff / m : Infinity;
});

const backend = await selectBackend('webgpu');
const tensorsBefore = tf.memory().numTensors;
const gpu = [];
for (const c of cases) gpu.push(await run(c));
const leaked = tf.memory().numTensors - tensorsBefore;
await selectBackend('cpu');
const results: Record<string, { rel: number[]; paramGradKernels: number; xhatKernels: number; dispatches: number }> = {};
for (const [i, c] of cases.entries()) {
  const cpu = await run(c);
  results[c.name] = {
    rel: rel(gpu[i].values, cpu.values),
    paramGradKernels: gpu[i].keys.filter((k) => k.startsWith('widLayerNormParamGrads')).length,
    xhatKernels: gpu[i].keys.filter((k) => k.startsWith('widLayerNorm_xhat')).length,
    dispatches: gpu[i].keys.length,
  };
}
console.log(JSON.stringify({ device: backend.device, leaked, results }));
