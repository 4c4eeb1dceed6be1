// Child process of webgpu-matmul.test.ts: runs the webgpu BatchMatMul kernel on SwiftShader (software
// Vulkan; libvulkan must be on LD_LIBRARY_PATH before the process starts, hence a child) and compares
// it with a plain JS matmul in float64 on shapes that are not multiples of any tile, every transpose
// combination, batch > 1 and a broadcast batch, for a few tile variants; then the gradients of a
// batched product against the cpu backend. Prints one JSON line; exits 1 on a mismatch.
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { withMatMulVariant } from '../../src-main/engine/kernels/webgpu-matmul.js';

const TOL = 1e-4;

function refMatMul(a: Float32Array, b: Float32Array, batchA: number, batchB: number, m: number, n: number, k: number, ta: boolean, tb: boolean): Float64Array {
  const batch = Math.max(batchA, batchB);
  const out = new Float64Array(batch * m * n);
  for (let z = 0; z < batch; z++) {
    const za = batchA === 1 ? 0 : z, zb = batchB === 1 ? 0 : z;
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const av = ta ? a[za * m * k + p * m + i] : a[za * m * k + i * k + p];
        const bv = tb ? b[zb * n * k + j * k + p] : b[zb * k * n + p * n + j];
        s += av * bv;
      }
      out[z * m * n + i * n + j] = s;
    }
  }
  return out;
}

const relDiff = (got: ArrayLike<number>, ref: ArrayLike<number>) => {
  let d = 0, r = 0;
  for (let i = 0; i < ref.length; i++) { d = Math.max(d, Math.abs(got[i] - ref[i])); r = Math.max(r, Math.abs(ref[i])); }
  return d / Math.max(r, 1e-30);
};

const variants = (process.env.WID_TEST_MATMUL_VARIANTS ?? '128x128x16-8x8,64x64x16-4x4-db,64x64x16-4x4-s3').split(',');
// [batchA, batchB, m, n, k]: odd sizes (vec4 loads off), multiples of 4 (vec4 on), batched, broadcast
const shapes: [number, number, number, number, number][] = [[1, 1, 37, 45, 29], [1, 1, 132, 68, 40], [3, 3, 17, 9, 24], [2, 1, 20, 12, 36]];

const backend = await selectBackend('webgpu');
const failures: string[] = [];
let worst = 0, cases = 0;
for (const v of variants) {
  for (const [batchA, batchB, m, n, k] of shapes) {
    for (const ta of [false, true]) for (const tb of [false, true]) {
      const shapeA = ta ? [k, m] : [m, k], shapeB = tb ? [n, k] : [k, n];
      // batch 1 on both sides: plain 2-D tensors; a broadcast side: 2-D against the other's 3-D
      const a = tf.randomNormal(batchA === 1 ? shapeA : [batchA, ...shapeA], 0, 1, 'float32', cases + 1);
      const b = tf.randomNormal(batchB === 1 ? shapeB : [batchB, ...shapeB], 0, 1, 'float32', cases + 1001);
      const got = withMatMulVariant(v, () => tf.matMul(a, b, ta, tb));
      const ref = refMatMul((await a.data()) as Float32Array, (await b.data()) as Float32Array, batchA, batchB, m, n, k, ta, tb);
      const want = [...(batchA > 1 || batchB > 1 ? [Math.max(batchA, batchB)] : []), m, n];
      const rel = relDiff((await got.data()) as Float32Array, ref);
      if (got.shape.join() !== want.join()) failures.push(`${v} ${batchA},${batchB},${m},${n},${k} ta=${ta} tb=${tb}: shape [${got.shape}] != [${want}]`);
      else if (!(rel <= TOL)) failures.push(`${v} ${batchA},${batchB},${m},${n},${k} ta=${ta} tb=${tb}: rel diff ${rel}`);
      worst = Math.max(worst, rel);
      cases++;
      tf.dispose([a, b, got]);
    }
  }
}

// gradients of sum(w * matMul(a, bᵀ)) for a batched product: the backward pass is matmuls with other
// transpose flags, so the kernel computes them too; compared with the cpu backend.
async function grads(): Promise<Float32Array[]> {
  const a = tf.randomNormal([2, 19, 13], 0, 1, 'float32', 7), b = tf.randomNormal([2, 23, 13], 0, 1, 'float32', 8);
  const w = tf.randomNormal([2, 19, 23], 0, 1, 'float32', 9);
  const g = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(w, tf.matMul(x, y, false, true))))([a, b]);
  const out = [(await g[0].data()) as Float32Array, (await g[1].data()) as Float32Array];
  tf.dispose([a, b, w, ...g]);
  return out;
}
const gpuGrads = await withMatMulVariant(variants[0], grads);
await tf.setBackend('cpu');
const cpuGrads = await grads();
await tf.setBackend('webgpu');
const gradRel = Math.max(relDiff(gpuGrads[0], cpuGrads[0]), relDiff(gpuGrads[1], cpuGrads[1]));
if (!(gradRel <= TOL)) failures.push(`gradients: rel diff ${gradRel}`);

// the products above ran in this kernel (not tfjs' fallback): its pipelines are in the backend's cache
const keys = Object.keys((tf.backend() as unknown as { pipelineCache: Record<string, unknown> }).pipelineCache);
const pipelines = { matmul: keys.filter((k) => k.startsWith('widMatMul_')).length, splitKSum: keys.filter((k) => k.startsWith('widMatMulSplitKSum')).length };
if (!pipelines.matmul || !pipelines.splitKSum) failures.push(`kernel pipelines missing: ${JSON.stringify(pipelines)}`);

console.log(JSON.stringify({ device: backend.device, cases, worst, gradRel, pipelines, failures }));
process.exit(failures.length ? 1 : 0);
