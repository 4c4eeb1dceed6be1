// `npm run bench -- wasm-matmul [--size tiny|small] [--batch 4] [--seq 64] [--steps 2] [--vocab 8192]`: the wasm
// BatchMatMul wrapper (kernels/wasm-matmul.ts: transposes before the product) against tfjs' own kernel (the
// transpose flags passed through), in the same process, alternating: a BERT masked-LM training step
// (bench/lib/train-step-model.ts) and a WID distillation step (bench/wid.ts' step, compactors at full width).
// Prints ms/step of each and the ratio tfjs / wrapper (above 1: the wrapper is faster).
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src-main/engine/backend/index.js';
import { initBertWeights, disposeWeights } from '../src-main/engine/bert/index.js';
import { createWidMethod } from '../src-main/engine/methods/wid/index.js';
import { AdamW } from '../src-main/engine/train/adamw.js';
import { setWasmMatMulMode, wasmMatMulInstalled } from '../src-main/engine/kernels/wasm-matmul.js';
import { benchBatch, benchConfig, makeTrainStep } from './lib/train-step-model.js';

type Mode = 'transpose-first' | 'tfjs';

async function timed(steps: number, run: () => tf.Scalar): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) { const loss = run(); await loss.data(); loss.dispose(); }
  return (performance.now() - t0) / steps;
}

/** ms/step in each mode: one warm-up step per mode, then the modes alternate so load changes hit both alike. */
async function sideBySide(steps: number, run: () => tf.Scalar): Promise<Record<Mode, number>> {
  const total: Record<Mode, number> = { 'transpose-first': 0, tfjs: 0 };
  for (const m of ['transpose-first', 'tfjs'] as Mode[]) { setWasmMatMulMode(m); await timed(1, run); }
  for (let i = 0; i < steps; i++) {
    for (const m of ['transpose-first', 'tfjs'] as Mode[]) { setWasmMatMulMode(m); total[m] += await timed(1, run); }
  }
  setWasmMatMulMode('transpose-first');
  return { 'transpose-first': total['transpose-first'] / steps, tfjs: total.tfjs / steps };
}

export async function main(argv: string[]): Promise<unknown> {
  const { values: a } = parseArgs({
    args: argv,
    options: {
      size: { type: 'string', default: '4L-256H' }, batch: { type: 'string', default: '4' }, seq: { type: 'string', default: '64' },
      steps: { type: 'string', default: '2' }, vocab: { type: 'string', default: '8192' },
    },
  });
  const backend = await selectBackend('wasm');
  if (!wasmMatMulInstalled()) throw new Error('the wasm BatchMatMul wrapper is not installed (WID_WASM_MATMUL=tfjs?)');
  const cfg = benchConfig(a.size!, Number(a.vocab));
  const batch = Number(a.batch), seq = Number(a.seq), steps = Number(a.steps);

  const bert = makeTrainStep(cfg, batch, seq, { seed: 1 });
  const bertMs = await sideBySide(steps, () => bert.step());
  bert.dispose();

  const teacher = initBertWeights(cfg, 1, { mlmHead: true });
  const wid = createWidMethod({ config: cfg, weights: teacher }, { preset: 'wid55' });
  const opt = new AdamW(wid.trainableVariables(), { weightDecay: 0.01 });
  const data = benchBatch(batch, seq, cfg.vocabSize, 1);
  const widBatch = { ...data, tokenTypeIds: tf.zerosLike(data.inputIds) as tf.Tensor2D };
  const widMs = await sideBySide(steps, () => {
    const { value, grads } = tf.variableGrads(() => wid.loss(widBatch, 0).total, wid.trainableVariables());
    opt.applyGradients(grads, 5e-5);
    tf.dispose(Object.values(grads));
    return value;
  });
  tf.dispose(Object.values(widBatch));
  opt.dispose();
  wid.dispose();
  disposeWeights(teacher);

  const out = {
    bench: 'wasm-matmul', backend: backend.name, device: backend.device, size: a.size, vocab: cfg.vocabSize, batch, seq, steps,
    bertTrainStep: { wrapperMs: bertMs['transpose-first'], tfjsMs: bertMs.tfjs, ratio: bertMs.tfjs / bertMs['transpose-first'] },
    widStep: { wrapperMs: widMs['transpose-first'], tfjsMs: widMs.tfjs, ratio: widMs.tfjs / widMs['transpose-first'] },
  };
  console.log(`wasm BatchMatMul, ${a.size} BERT (vocab ${cfg.vocabSize}), batch ${batch} x seq ${seq}, ${steps} alternating steps each:`);
  for (const [name, r] of [['BERT MLM train step', out.bertTrainStep], ['WID step (full width)', out.widStep]] as const) {
    console.log(`  ${name.padEnd(22)} wrapper ${r.wrapperMs.toFixed(0)} ms, tfjs flags ${r.tfjsMs.toFixed(0)} ms: tfjs / wrapper = ${r.ratio.toFixed(2)}x`);
  }
  return out;
}
