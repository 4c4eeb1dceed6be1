// Child process of webgpu-adamw.test.ts: the single-dispatch webgpu AdamW step on SwiftShader (software
// Vulkan; libvulkan must be on LD_LIBRARY_PATH before the process starts, hence a child) against the
// formula in float64 JS and against the former three-program path, over two chained steps, with and
// without weight decay, odd sizes, a 2-D dispatch and under tf.profile. Prints one JSON line; exits 1 on a mismatch.
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { fusedAdamWStep, AdamWStepParams } from '../../src-main/engine/kernels/adamw-step.js';
import { adamwSingleDispatchCount, setAdamWMaxWorkgroupsPerDim } from '../../src-main/engine/kernels/webgpu-adamw.js';

const TOL = 1e-6;
const backend = await selectBackend('webgpu');
const failures: string[] = [];
let worst = 0, worstVsThree = 0, cases = 0;

const hyper = (t: number, weightDecay: number): AdamWStepParams => ({ lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-6, bc1: 1 - 0.9 ** t, bc2: 1 - 0.999 ** t, weightDecay });

/** The same two steps in float64: the reference. */
function reference(p0: Float32Array, g: Float32Array[], wd: number): Float64Array[] {
  const p = Float64Array.from(p0), m = new Float64Array(p.length), v = new Float64Array(p.length);
  g.forEach((gt, k) => {
    const h = hyper(k + 1, wd);
    for (let i = 0; i < p.length; i++) {
      m[i] = m[i] * h.beta1 + gt[i] * (1 - h.beta1);
      v[i] = v[i] * h.beta2 + gt[i] * gt[i] * (1 - h.beta2);
      const update = (m[i] / h.bc1) / (Math.sqrt(v[i] / h.bc2) + h.epsilon);
      p[i] = p[i] - update * h.lr - p[i] * h.lr * h.weightDecay;
    }
  });
  return [p, m, v];
}

/** Two chained steps with the kernel (the env picks the single dispatch or the three programs). */
async function twoSteps(p0: tf.Tensor, gs: tf.Tensor[], wd: number, profile = false): Promise<Float32Array[]> {
  let p = p0.clone(), m = tf.zerosLike(p0), v = tf.zerosLike(p0);
  for (const [k, g] of gs.entries()) {
    const run = () => fusedAdamWStep(p, g, m, v, hyper(k + 1, wd))!;
    let r = run();
    if (profile && k === 1) { tf.dispose([r.param, r.m, r.v]); const info = await tf.profile(() => { r = run(); return [r.param, r.m, r.v]; }); void info; }
    tf.dispose([p, m, v]);
    ({ param: p, m, v } = r);
  }
  const out = [(await p.data()) as Float32Array, (await m.data()) as Float32Array, (await v.data()) as Float32Array];
  tf.dispose([p, m, v]);
  return out;
}

const rel = (got: ArrayLike<number>, ref: ArrayLike<number>) => {
  let d = 0, r = 0;
  for (let i = 0; i < ref.length; i++) { d = Math.max(d, Math.abs(got[i] - ref[i])); r = Math.max(r, Math.abs(ref[i])); }
  return d / Math.max(r, 1e-30);
};

const shapes: number[][] = [[1], [3], [255], [257], [4, 1000], [2, 3, 5]];
const before = adamwSingleDispatchCount();
let expectedSingle = 0;
for (const shape of shapes) {
  for (const wd of [0, 0.01]) {
    for (const variant of ['single', '2d', 'profiled'] as const) {
      if (variant !== 'single' && shape.join() !== '4,1000') continue;
      const p0 = tf.randomNormal(shape, 0, 1, 'float32', cases + 1);
      const gs = [tf.randomNormal(shape, 0, 1, 'float32', cases + 101), tf.randomNormal(shape, 0, 0.1, 'float32', cases + 201)];
      const ref = reference((await p0.data()) as Float32Array, await Promise.all(gs.map(async (g) => (await g.data()) as Float32Array)), wd);
      if (variant === '2d') setAdamWMaxWorkgroupsPerDim(3); // 16 workgroups as 3 x 6
      const got = await twoSteps(p0, gs, wd, variant === 'profiled');
      setAdamWMaxWorkgroupsPerDim(null);
      expectedSingle += variant === 'profiled' ? 3 : 2;
      process.env.WID_ADAMW_DISPATCH = 'three';
      const three = await twoSteps(p0, gs, wd);
      delete process.env.WID_ADAMW_DISPATCH;
      ['param', 'm', 'v'].forEach((name, k) => {
        const e = rel(got[k], ref[k]), e3 = rel(got[k], three[k]);
        worst = Math.max(worst, e); worstVsThree = Math.max(worstVsThree, e3);
        if (!(e <= TOL) || !(e3 <= TOL)) failures.push(`${variant} [${shape}] wd ${wd} ${name}: vs float64 ${e}, vs three programs ${e3}`);
      });
      tf.dispose([p0, ...gs]);
      cases++;
    }
  }
}
const singleDispatches = adamwSingleDispatchCount() - before;
if (singleDispatches !== expectedSingle) failures.push(`single-dispatch path ran ${singleDispatches} times, expected ${expectedSingle}`);
console.log(JSON.stringify({ device: backend.device, cases, worst, worstVsThree, singleDispatches, failures }));
process.exit(failures.length ? 1 : 0);
