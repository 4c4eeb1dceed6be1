// Child process of fusions.test.ts: the fused webgpu kernels (SwiftShader) against the same functions on the
// pure-JS cpu backend: the masked-LM loss and its gradient, the attention softmax and its gradient, and a whole
// BERT MLM training step's loss and gradients with the fusions on and off (WID_FUSIONS=off). Prints one JSON line.
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { maskedLmLoss } from '../../src-main/engine/bert/mlm-loss.js';
import { fusedCrossEntropyAvailable } from '../../src-main/engine/kernels/cross-entropy.js';
import { attentionSoftmax, fusedAttentionSoftmaxAvailable } from '../../src-main/engine/kernels/attention-softmax.js';
import { bertForward, initBertWeights, mlmHead } from '../../src-main/engine/bert/index.js';
import { TINY_STUDENT } from '../train/support/student-mlm-method.js';
import { biasGeluFused, fusedBiasGeluAvailable, geluFused } from '../../src-main/engine/kernels/gelu.js';
import { matMulBiasAvailable, matMulTransposedBBias } from '../../src-main/engine/kernels/matmul-bias.js';
import { withMatMulVariant } from '../../src-main/engine/kernels/webgpu-matmul.js';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { HeadTransposeProgram } from '../../src-main/engine/kernels/webgpu-head-transpose.js';
import { withShaderKeys } from '../support/shader-keys.js';

/** gelu(x + b) and the gradients of sum(gelu(x + b) · w) for x, b: the fused op, and tf.add then geluFused. */
async function biasGelu(fused: boolean) {
  let t = 7;
  const r = () => ((t = (Math.imul(t, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const x = tf.tensor3d(Float32Array.from({ length: 2 * 5 * 67 }, () => (r() - 0.5) * 8), [2, 5, 67]);
  const b = tf.tensor1d(Float32Array.from({ length: 67 }, () => r() - 0.5));
  const w = tf.tensor3d(Float32Array.from({ length: 2 * 5 * 67 }, () => r()), [2, 5, 67]);
  const f = (xx: tf.Tensor, bb: tf.Tensor) => (fused ? biasGeluFused(xx, bb) : geluFused(tf.add(xx, bb)));
  const y = f(x, b);
  const [gx, gb] = tf.grads((xx: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(f(xx, bb), w)))([x, b]);
  const out = { y: Array.from(await y.data()), gx: Array.from(await gx.data()), gb: Array.from(await gb.data()) };
  tf.dispose([x, b, w, y, gx, gb]);
  return out;
}
/** Sums over leading axes (the column-sum kernel on webgpu) of a few shapes, and one over the last axis (tfjs' own). */
async function columnSums() {
  let t = 3;
  const r = () => ((t = (Math.imul(t, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  // [1100, 40] takes two passes (5 chunks of rows, then their partial sums) and [70000, 3] three; their values are
  // small integers so that every summation order gives the same exact sums
  const cases: [number[], number | number[], boolean, boolean?][] = [[[37, 45], 0, false], [[3, 5, 70], [0, 1], false], [[300, 33], [0], true],
    [[2, 9, 4], [-3, -2], true], [[6, 7], 1, false], [[1100, 40], 0, false, true], [[70000, 3], [0], true, true]];
  const out: number[][] = [];
  for (const [shape, axis, keep, integers] of cases) {
    const x = tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => integers ? Math.floor(r() * 5) - 2 : (r() - 0.5) * 10), shape);
    const y = tf.sum(x, axis, keep);
    out.push([...y.shape, ...await y.data()]);
    tf.dispose([x, y]);
  }
  return out;
}
/**
 * Transposes as the attention heads' split/merge do (perm [0, 2, 1, 3], the head-transpose kernel on webgpu) and a
 * few that must fall back to tfjs' kernel, each case's result as float32 bit patterns; on webgpu also which shader
 * keys ran. Values include -0, ±Infinity, NaN and subnormals: a transpose moves bits. The cpu hand-off of small
 * tensors is off so that every case runs on the GPU.
 */
async function headTransposes() {
  let t = 5;
  const r = () => ((t = (Math.imul(t, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const special = [-0, Infinity, -Infinity, NaN, 1e-40, -3e-39];
  const values = (n: number) => Float32Array.from({ length: n }, (_, i) => (i % 53 === 7 ? special[i % special.length] : (r() - 0.5) * 100));
  const gpu = tf.getBackend() === 'webgpu';
  const backend = tf.backend() as unknown as WebGPUBackend;
  const cpuForward = tf.env().get('WEBGPU_CPU_FORWARD');
  if (gpu) tf.env().set('WEBGPU_CPU_FORWARD', false);
  const bits = async (y: tf.Tensor) => [...y.shape, -1, ...new Uint32Array((await y.data() as Float32Array).slice().buffer)];
  const out: Record<string, { result: number[]; keys: string[] }> = {};
  const record = async (name: string, f: () => tf.Tensor) => {
    const { result, keys } = await withShaderKeys(async () => {
      const y = f();
      try { return await bits(y); } finally { y.dispose(); }
    });
    out[name] = { result, keys };
  };
  // [B, S, H, D]: BERT-like (vec4), odd D (one float a thread), batch 1, one head (vec2), 384 and 51 workgroups
  const shapes = [[2, 9, 4, 64], [3, 5, 7, 39], [1, 6, 3, 32], [2, 5, 1, 38], [1, 128, 12, 64], [2, 33, 5, 39], [1, 1, 1, 1], [2, 3, 4, 1]];
  for (const shape of shapes) {
    const x = tf.tensor4d(values(shape.reduce((a, b) => a * b, 1)), shape as [number, number, number, number]);
    await record(`split ${shape}`, () => tf.transpose(x, [0, 2, 1, 3]));
    // the merge: [B, H, S, D] back to [B, S, H, D] (the same perm), which must give x back
    await record(`round trip ${shape}`, () => tf.tidy(() => tf.transpose(tf.transpose(x, [0, 2, 1, 3]), [0, 2, 1, 3])));
    x.dispose();
  }
  // gradients through the transpose: d sum(transpose(x) · w) / dx = transpose(w) with the inverse perm (the same one)
  for (const shape of [[2, 7, 3, 20], [2, 7, 3, 13]] as [number, number, number, number][]) {
    const x = tf.tensor4d(values(shape.reduce((a, b) => a * b, 1)), shape);
    // w without the special values: the gradient is mul's dy · w first (arithmetic may flush subnormals or change a NaN's bits)
    const w = tf.tensor4d(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (r() - 0.5) * 100), [shape[0], shape[2], shape[1], shape[3]]);
    await record(`grad ${shape}`, () => tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(tf.transpose(xx, [0, 2, 1, 3]), w)))(x));
    tf.dispose([x, w]);
  }
  // a dispatch that wraps into y (8 workgroups along x here, 65,535 on a real run), the program run directly
  {
    const shape = [2, 40, 6, 39];
    const x = tf.tensor4d(values(shape.reduce((a, b) => a * b, 1)), shape as [number, number, number, number]);
    await record(`wrapped ${shape}`, () => {
      if (!gpu) return tf.transpose(x, [0, 2, 1, 3]);
      const program = new HeadTransposeProgram(x.shape, 8);
      if (program.dispatch[1] < 2) throw new Error(`no wrap: ${program.dispatch}`);
      const info = backend.runWebGPUProgram(program, [x], 'float32');
      return tf.engine().makeTensorFromTensorInfo(info);
    });
    x.dispose();
  }
  // not this kernel's: other perms, rank 3 (tfjs' Transpose; an int32 transpose is not here: tfjs' int32
  // TransposeProgram aborts Dawn's shader compiler on SwiftShader)
  const x = tf.tensor4d(values(2 * 5 * 3 * 8), [2, 5, 3, 8]);
  await record('fallback perm 0,1,3,2', () => tf.transpose(x, [0, 1, 3, 2]));
  await record('fallback perm 2,0,1,3', () => tf.transpose(x, [2, 0, 1, 3]));
  await record('fallback rank 3', () => tf.tidy(() => tf.transpose(tf.reshape(x, [10, 3, 8]), [1, 0, 2])));
  // WID_FUSIONS=-head-transpose: tfjs' kernel for the same perm
  process.env.WID_FUSIONS = '-head-transpose';
  await record('switched off', () => tf.transpose(x, [0, 2, 1, 3]));
  delete process.env.WID_FUSIONS;
  x.dispose();
  if (gpu) tf.env().set('WEBGPU_CPU_FORWARD', cpuForward);
  return out;
}
/** x · wᵀ + b and its three gradients: fused (the bias in the matmul's store) vs tf.matMul then tf.add, per shape and tile variant. */
async function matMulBias() {
  let t = 11;
  const r = () => ((t = (Math.imul(t, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const cases: [number, number, number, string | null][] = [[37, 45, 29, null], [64, 40, 132, null], [20, 300, 36, '64x64x16-4x4-s3'], [24, 300, 28, '64x64x16-4x4-s3']];
  let worst = 0;
  for (const [m, k, n, variant] of cases) {
    const x = tf.tensor2d(Float32Array.from({ length: m * k }, () => r() - 0.5), [m, k]);
    const w = tf.tensor2d(Float32Array.from({ length: n * k }, () => r() - 0.5), [n, k]);
    const b = tf.tensor1d(Float32Array.from({ length: n }, () => r() - 0.5));
    const g = tf.tensor2d(Float32Array.from({ length: m * n }, () => r()), [m, n]);
    const run = (fused: boolean) => withMatMulVariant(variant, () => {
      const f = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => (fused ? matMulTransposedBBias(xx as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D) : tf.add(tf.matMul(xx, ww, false, true), bb));
      const y = f(x, w, b);
      const grads = tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(f(xx, ww, bb), g)))([x, w, b]);
      return [y, ...grads];
    });
    const a = run(true), c = run(false);
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, maxAbs(Array.from(await a[i].data()), Array.from(await c[i].data())));
    tf.dispose([x, w, b, g, ...a, ...c]);
  }
  return worst;
}
const maxAbs = (a: number[], b: number[]) => a.reduce((d, v, i) => Math.max(d, Math.abs(v - b[i])), 0);

async function lossAndGrad(logits: Float32Array, labels: Int32Array, shape: [number, number, number]) {
  const x = tf.variable(tf.tensor3d(logits, shape), true, `logits-${tf.getBackend()}`);
  const y = tf.tensor2d(labels, [shape[0], shape[1]], 'int32');
  const { value, grads } = tf.variableGrads(() => maskedLmLoss(x as unknown as tf.Tensor3D, y), [x]);
  const g = Object.values(grads)[0];
  const out = { loss: (await value.data())[0], grad: Array.from(await g.data()) };
  tf.dispose([x, y, value, g]);
  return out;
}

const shape: [number, number, number] = [3, 7, 1000];
const n = shape[0] * shape[1];
let s = 12345;
const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
const logits = Float32Array.from({ length: n * shape[2] }, () => (rnd() - 0.5) * 20);
const labels = Int32Array.from({ length: n }, (_, i) => (i % 4 === 1 ? -100 : Math.floor(rnd() * shape[2])));

/** probs and d(sum(probs · w))/d raw of the attention softmax, raw [2, 3, 5, 70] with the last keys of batch 1 masked. */
async function softmaxAndGrad() {
  const [b, h, q, k] = [2, 3, 5, 70];
  let t = 99;
  const r = () => ((t = (Math.imul(t, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const raw = tf.variable(tf.tensor4d(Float32Array.from({ length: b * h * q * k }, () => (r() - 0.5) * 8), [b, h, q, k]), true, `raw-${tf.getBackend()}`);
  const mask = tf.tensor4d(Float32Array.from({ length: b * k }, (_, i) => (i >= k + 60 ? -3.4028234663852886e38 : 0)), [b, 1, 1, k]);
  const w = tf.tensor4d(Float32Array.from({ length: b * h * q * k }, () => r()), [b, h, q, k]);
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(attentionSoftmax(raw as unknown as tf.Tensor4D, mask, 0.125), w)) as tf.Scalar, [raw]);
  const probs = attentionSoftmax(raw as unknown as tf.Tensor4D, mask, 0.125);
  const out = { probs: Array.from(await probs.data()), grad: Array.from(await Object.values(grads)[0].data()) };
  tf.dispose([raw, mask, w, value, probs, ...Object.values(grads)]);
  return out;
}

/** A tiny BERT's MLM loss and every weight gradient. */
async function bertStep() {
  const cfg = { ...TINY_STUDENT, vocabSize: 300 };
  const init = initBertWeights(cfg, 4, { mlmHead: true });
  const vars = Object.fromEntries(Object.entries(init).map(([n, x]) => [n, tf.variable(x, true, `bert-${process.env.WID_FUSIONS ?? 'on'}-${n}`)]));
  tf.dispose(Object.values(init));
  const ids = tf.tensor2d(Int32Array.from({ length: 2 * 9 }, (_, i) => (i * 37) % cfg.vocabSize), [2, 9], 'int32');
  const att = tf.tensor2d(Int32Array.from({ length: 18 }, (_, i) => (i >= 15 ? 0 : 1)), [2, 9], 'int32');
  const lab = tf.tensor2d(Int32Array.from({ length: 18 }, (_, i) => (i % 3 === 0 ? (i * 11) % cfg.vocabSize : -100)), [2, 9], 'int32');
  const { value, grads } = tf.variableGrads(() => maskedLmLoss(mlmHead(vars, cfg, bertForward(vars, cfg, { inputIds: ids, attentionMask: att }).lastHiddenState), lab), Object.values(vars));
  const names = Object.keys(grads).sort();
  const out = { loss: (await value.data())[0], grads: await Promise.all(names.map(async (n) => Array.from(await grads[n].data()))) };
  tf.dispose([ids, att, lab, value, ...Object.values(grads), ...Object.values(vars)]);
  return out;
}

const rel = (a: number[], b: number[]) => {
  let d = 0, m = 0;
  a.forEach((v, i) => { d = Math.max(d, Math.abs(v - b[i])); m = Math.max(m, Math.abs(b[i])); });
  return d / m;
};

const backend = await selectBackend('webgpu');
const fused = fusedCrossEntropyAvailable() && fusedAttentionSoftmaxAvailable();
const gpu = await lossAndGrad(logits, labels, shape);
const gpuSoftmax = await softmaxAndGrad();
const biasGeluKernels = fusedBiasGeluAvailable();
const matMulBiasKernel = matMulBiasAvailable();
const matMulBiasDiff = await matMulBias();
const gpuColumnSums = await columnSums();
process.env.WID_COLUMN_SUM_ROWS = '8'; // chunks of 8 rows: more passes over the partial rows
const gpuColumnSums8 = await columnSums();
delete process.env.WID_COLUMN_SUM_ROWS;
const unrolled: Record<string, number[][]> = {};
for (const u of ['1', '8']) { // one running sum per thread, and eight (the default is 4)
  process.env.WID_COLUMN_SUM_UNROLL = u;
  unrolled[u] = await columnSums();
}
delete process.env.WID_COLUMN_SUM_UNROLL;
const gpuTransposes = await headTransposes();
process.env.WID_FUSIONS = '-column-sum';
const gpuTfjsSums = await columnSums();
delete process.env.WID_FUSIONS;
const gpuBiasGelu = await biasGelu(true), gpuAddGelu = await biasGelu(false);
const bertOn = await bertStep();
process.env.WID_FUSIONS = 'off';
const unfusedUsed = !fusedCrossEntropyAvailable() && !fusedAttentionSoftmaxAvailable() && !fusedBiasGeluAvailable();
const bertOff = await bertStep();
delete process.env.WID_FUSIONS;
await selectBackend('cpu');
const cpu = await lossAndGrad(logits, labels, shape);
const cpuSoftmax = await softmaxAndGrad();
const cpuBiasGelu = await biasGelu(true), cpuAddGelu = await biasGelu(false);
const cpuSums = await columnSums();
const cpuTransposes = await headTransposes();
const bertCpu = await bertStep();
console.log(JSON.stringify({ device: backend.device, fused, unfusedUsed, lossGpu: gpu.loss, lossCpu: cpu.loss, gradRel: rel(gpu.grad, cpu.grad),
  ignoredRowsZero: gpu.grad.slice(shape[2], 2 * shape[2]).every((v) => v === 0),
  softmaxRel: rel(gpuSoftmax.probs, cpuSoftmax.probs), softmaxGradRel: rel(gpuSoftmax.grad, cpuSoftmax.grad),
  biasGelu: { kernels: biasGeluKernels,
    // fused vs tf.add + geluFused on webgpu (0 = bit for bit), the fused kernel vs the cpu backend, and the cpu fallback vs tf.add + gelu on cpu
    fusedVsUnfused: Math.max(maxAbs(gpuBiasGelu.y, gpuAddGelu.y), maxAbs(gpuBiasGelu.gx, gpuAddGelu.gx), maxAbs(gpuBiasGelu.gb, gpuAddGelu.gb)),
    gpuVsCpu: Math.max(maxAbs(gpuBiasGelu.y, cpuAddGelu.y), maxAbs(gpuBiasGelu.gx, cpuAddGelu.gx), maxAbs(gpuBiasGelu.gb, cpuAddGelu.gb)),
    cpuFallbackVsUnfused: Math.max(maxAbs(cpuBiasGelu.y, cpuAddGelu.y), maxAbs(cpuBiasGelu.gx, cpuAddGelu.gx), maxAbs(cpuBiasGelu.gb, cpuAddGelu.gb)) },
  matMulBias: { kernel: matMulBiasKernel, fusedVsUnfused: matMulBiasDiff },
  columnSum: { vsCpu: maxAbs(gpuColumnSums.flat(), cpuSums.flat()), chunk8VsCpu: maxAbs(gpuColumnSums8.flat(), cpuSums.flat()),
    unroll1VsCpu: maxAbs(unrolled['1'].flat(), cpuSums.flat()), unroll8VsCpu: maxAbs(unrolled['8'].flat(), cpuSums.flat()), tfjsVsCpu: maxAbs(gpuTfjsSums.flat(), cpuSums.flat()),
    shapesEqual: gpuColumnSums.every((g, i) => g.length === cpuSums[i].length) },
  headTranspose: Object.fromEntries(Object.entries(gpuTransposes).map(([name, g]) => [name, {
    // 0 = the webgpu result's shape and bits are the cpu backend's; the shader keys that ran
    mismatches: g.result.length !== cpuTransposes[name].result.length ? -1 : g.result.filter((v, i) => v !== cpuTransposes[name].result[i]).length,
    kernel: g.keys.some((k) => k.startsWith('widHeadTranspose')), keys: g.keys }])),
  maskedProbsZero: gpuSoftmax.probs.slice(3 * 5 * 70).every((v, i) => (i % 70) < 60 || v === 0),
  bert: { lossOn: bertOn.loss, lossOff: bertOff.loss, lossCpu: bertCpu.loss,
    // over all gradients at once: some are zero up to rounding (the key bias: softmax ignores a shift of every score)
    gradRelOnVsCpu: rel(bertOn.grads.flat(), bertCpu.grads.flat()),
    gradRelOffVsCpu: rel(bertOff.grads.flat(), bertCpu.grads.flat()) } }));
