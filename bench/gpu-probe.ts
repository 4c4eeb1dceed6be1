// `npm run bench -- gpu-probe`: where the GPU time goes. Times the ops a BERT training step is made
// of (matmuls of BERT-base shapes incl. the transposed ones of the backward pass, softmax, erf-GELU,
// LayerNorm pieces, reductions, a large add for bandwidth, chained tiny adds for per-dispatch cost),
// and with --profile a per-kernel breakdown of one training step from tfjs' timestamp queries.
// Dawn toggles and tfjs flags come from env (WID_DAWN_OPTIONS, WID_TFJS_FLAGS; see
// src-main/engine/kernels/webgpu-tuning.ts), so run it once per setting to compare.
import * as tf from '@tensorflow/tfjs';
import { profileKernels, type KernelProfile } from './lib/kernel-profile.js';
import { parseArgs } from 'node:util';
import { selectBackend, BackendPreference } from '../src-main/engine/backend/index.js';
import { benchConfig, makeTrainStep } from './lib/train-step-model.js';

export interface OpTiming { name: string; ms: number; gflops?: number; gbps?: number }

async function sync(t: tf.Tensor): Promise<void> {
  const one = tf.tidy(() => t.reshape([-1]).slice(0, 1));
  await one.data();
  one.dispose();
}

/** Mean wall time of `op` over `iters` back-to-back runs, synced once at the end. */
async function timeOp(name: string, inputs: tf.Tensor[], op: (xs: tf.Tensor[]) => tf.Tensor, iters: number,
  work: { flops?: number; bytes?: number } = {}): Promise<OpTiming> {
  for (let i = 0; i < 2; i++) { const r = tf.tidy(() => op(inputs)); await sync(r); r.dispose(); }
  const t0 = performance.now();
  let r: tf.Tensor | null = null;
  for (let i = 0; i < iters; i++) { r?.dispose(); r = tf.tidy(() => op(inputs)); }
  await sync(r!);
  const ms = (performance.now() - t0) / iters;
  r!.dispose();
  tf.dispose(inputs);
  const out: OpTiming = { name, ms };
  if (work.flops) out.gflops = work.flops / ms / 1e6;
  if (work.bytes) out.gbps = work.bytes / ms / 1e6;
  console.log(`${name.padEnd(58)} ${ms.toFixed(3).padStart(9)} ms${out.gflops ? `  ${(out.gflops / 1000).toFixed(2)} TFLOP/s` : ''}${out.gbps ? `  ${out.gbps.toFixed(0)} GB/s` : ''}`);
  return out;
}

const rnd = (shape: number[]) => tf.tidy(() => tf.randomNormal(shape).add(0)); // add(0): lives on the GPU

export async function probeOps(iters: number, matmulOnly = false): Promise<OpTiming[]> {
  const res: OpTiming[] = [];
  const T = 4096, H = 768, I = 3072, V = 30522;
  const mm = (m: number, k: number, n: number, ta = false, tb = false, label = '') =>
    timeOp(`matmul ${label}[${m}x${k}]·[${k}x${n}]${ta ? ' transA' : ''}${tb ? ' transB' : ''}`,
      [rnd(ta ? [k, m] : [m, k]), rnd(tb ? [n, k] : [k, n])], ([a, b]) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, ta, tb), iters,
      { flops: 2 * m * k * n });
  res.push(await mm(2048, 2048, 2048, false, false, 'square '));
  res.push(await mm(T, H, H, false, true, 'qkv/out fwd '));
  res.push(await mm(T, H, I, false, true, 'ffn1 fwd '));
  res.push(await mm(T, I, H, false, true, 'ffn2 fwd '));
  res.push(await mm(T, H, I, false, false, 'ffn2 dX '));
  res.push(await mm(I, T, H, true, false, 'ffn2 dW '));
  res.push(await mm(T, H, V, false, true, 'decoder fwd '));
  res.push(await mm(V, T, H, true, false, 'decoder dW '));
  res.push(await timeOp('batched matmul scores [384x128x64]·[384x64x128]ᵀ', [rnd([384, 128, 64]), rnd([384, 128, 64])],
    ([a, b]) => tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D, false, true), iters, { flops: 2 * 384 * 128 * 128 * 64 }));
  res.push(await timeOp('batched matmul ctx [384x128x128]·[384x128x64]', [rnd([384, 128, 128]), rnd([384, 128, 64])],
    ([a, b]) => tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D), iters, { flops: 2 * 384 * 128 * 128 * 64 }));
  if (matmulOnly) return res;
  const n64 = 64 * 2 ** 20;
  res.push(await timeOp('add 64M floats', [rnd([n64]), rnd([n64])], ([a, b]) => tf.add(a, b), iters, { bytes: 3 * 4 * n64 }));
  res.push(await timeOp('add [4096x3072] + bias [3072]', [rnd([T, I]), rnd([I])], ([a, b]) => tf.add(a, b), iters, { bytes: 2 * 4 * T * I }));
  res.push(await timeOp('softmax [32x12x128x128]', [rnd([32, 12, 128, 128])], ([a]) => tf.softmax(a), iters, { bytes: 2 * 4 * 32 * 12 * 128 * 128 }));
  res.push(await timeOp('erf-GELU (5 ops) [4096x3072]', [rnd([T, I])],
    ([x]) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2)))), iters, { bytes: 2 * 4 * T * I }));
  res.push(await timeOp('LayerNorm composite (moments + 5 ops) [4096x768]', [rnd([T, H]), rnd([H]), rnd([H])], ([x, g, b]) => {
    const { mean, variance } = tf.moments(x, 1, true);
    return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-12))), g), b);
  }, iters, { bytes: 2 * 4 * T * H }));
  res.push(await timeOp('sum over rows (bias grad) [4096x3072] axis 0', [rnd([T, I])], ([x]) => tf.sum(x, 0), iters, { bytes: 4 * T * I }));
  res.push(await timeOp('sum over last axis [4096x3072] axis 1', [rnd([T, I])], ([x]) => tf.sum(x, 1), iters, { bytes: 4 * T * I }));
  res.push(await timeOp('transpose [32x128x12x64] -> [32x12x128x64]', [rnd([32, 128, 12, 64])], ([x]) => tf.transpose(x, [0, 2, 1, 3]), iters, { bytes: 2 * 4 * T * H }));
  res.push(await timeOp('logSoftmax [4096x30522]', [rnd([T, V])], ([x]) => tf.logSoftmax(x), Math.max(2, iters >> 2), { bytes: 2 * 4 * T * V }));
  // per-dispatch cost: 200 chained adds on 4096 floats (too big for tfjs' CPU forwarding)
  res.push(await timeOp('200 chained adds of 4096 floats (per-dispatch cost x200)', [rnd([4096])], ([x]) => {
    let y = x;
    for (let i = 0; i < 200; i++) y = tf.add(y, 1);
    return y;
  }, Math.max(2, iters >> 1)));
  return res;
}

/** Per-kernel GPU time of one training step (tfjs profile; each kernel is submitted alone while profiling). */
export async function profileStep(size: string, batch: number, seq: number, vocab?: number): Promise<KernelProfile> {
  const ts = makeTrainStep(benchConfig(size, vocab), batch, seq);
  try {
    for (let i = 0; i < 2; i++) { const l = ts.step(); await l.data(); l.dispose(); }
    return await profileKernels(`${size} b${batch} s${seq}`, () => ts.step());
  } finally {
    ts.dispose();
  }
}

export async function main(argv: string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({
    args: argv,
    options: {
      backend: { type: 'string', default: 'webgpu' },
      iters: { type: 'string', default: '10' },
      ops: { type: 'boolean', default: true },
      'no-ops': { type: 'boolean', default: false },
      'matmul-only': { type: 'boolean', default: false },
      profile: { type: 'string' }, // comma list of sizes to profile, e.g. 4L-256H,base
      batch: { type: 'string', default: '32' },
      seq: { type: 'string', default: '128' },
      label: { type: 'string', default: 'default' },
      vocab: { type: 'string' },
    },
  });
  const backend = await selectBackend(values.backend as BackendPreference);
  console.log(`gpu-probe [${values.label}] backend ${backend.name} — ${backend.device}; WID_DAWN_OPTIONS=${process.env.WID_DAWN_OPTIONS ?? '(default)'} WID_TFJS_FLAGS=${process.env.WID_TFJS_FLAGS ?? '(default)'}`);
  const iters = Number(values.iters);
  if (!Number.isInteger(iters) || iters <= 0) throw new Error(`--iters must be a positive integer, got "${values.iters}"`);
  const record: Record<string, unknown> = { label: values.label, backend, env: { WID_DAWN_OPTIONS: process.env.WID_DAWN_OPTIONS ?? null, WID_TFJS_FLAGS: process.env.WID_TFJS_FLAGS ?? null } };
  if (!values['no-ops']) record.ops = await probeOps(iters, values['matmul-only']);
  if (values.profile) {
    const profiles: Record<string, unknown> = {};
    for (const size of values.profile.split(',')) profiles[size] = await profileStep(size, Number(values.batch), Number(values.seq), values.vocab ? Number(values.vocab) : undefined);
    record.profiles = profiles;
  }
  return record;
}
