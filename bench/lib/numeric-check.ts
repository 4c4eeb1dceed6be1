// GPU numeric check: a tiny BERT's MLM loss and every parameter gradient on the active backend
// against the pure-JS cpu backend (the reference path), same seed and batch.
import * as tf from '@tensorflow/tfjs';
import { variableGrads } from '../../src-main/engine/autodiff/variable-grads.js';
import { initBertWeights } from '../../src-main/engine/bert/weights.js';
import { bertForward, mlmHead } from '../../src-main/engine/bert/forward.js';
import { maskedLmLoss } from '../../src-main/engine/bert/mlm-loss.js';
import { AdamW } from '../../src-main/engine/train/adamw.js';
import { benchBatch, benchConfig } from './train-step-model.js';

export interface NumericCheck {
  backend: string; loss: number; cpuLoss: number; maxRelGradDiff: number; worstParam: string;
  /** max |param diff| after two AdamW steps (lr 1e-3) with those gradients, relative to max |param|. */
  maxRelParamDiffAfterAdamW: number;
  /** max |param diff| after those steps over the elements whose cpu gradient is signal (at least 10x the largest
   * gradient difference of its parameter, so that its sign cannot differ), as a fraction of the two steps' largest move
   * (2 · lr): Adam moves every element by about ±lr whatever its gradient's size, so an element whose gradient is
   * within the rounding of zero may move either way in any precision. */
  maxUpdateDiffWhereSignal: number;
  /** the matmul precision checked; f16-tc is judged on gradients and on the updates of elements with signal. */
  precision: string; ok: boolean;
}

const CHECK_LR = 1e-3;
const SIGNAL_OVER_DIFF = 10;

async function lossAndGrads(): Promise<{ loss: number; grads: Record<string, Float32Array>; params: Record<string, Float32Array> }> {
  const cfg = benchConfig('tiny', 1200);
  const w = initBertWeights(cfg, 3, { mlmHead: true });
  const vars: Record<string, tf.Variable> = {};
  for (const [name, t] of Object.entries(w)) { vars[name] = tf.variable(t, true, `check/${name}`); t.dispose(); }
  const data = benchBatch(4, 16, cfg.vocabSize, 5);
  const { value, grads } = variableGrads(() => {
    const out = bertForward(vars, cfg, { inputIds: data.inputIds, attentionMask: data.attentionMask });
    return maskedLmLoss(mlmHead(vars, cfg, out.lastHiddenState), data.labels);
  });
  const result: Record<string, Float32Array> = {};
  for (const [name, g] of Object.entries(grads)) result[name.replace(/^check\//, '')] = (await g.data()) as Float32Array;
  const loss = (await value.data())[0];
  const adamw = new AdamW(Object.values(vars), { weightDecay: 0.01 });
  adamw.applyGradients(grads, CHECK_LR);
  adamw.applyGradients(grads, CHECK_LR);
  const params: Record<string, Float32Array> = {};
  for (const [name, v] of Object.entries(vars)) params[name] = (await v.data()) as Float32Array;
  adamw.dispose();
  tf.dispose([value, ...Object.values(grads), ...Object.values(vars), data.inputIds, data.attentionMask, data.labels]);
  return { loss, grads: result, params };
}

/** Runs the check on `backend` (already active), then on cpu, then switches back. */
export async function checkAgainstCpu(backend: string, tolerance = 2e-3, precision = 'fp32'): Promise<NumericCheck> {
  const gpu = await lossAndGrads();
  await tf.setBackend('cpu');
  const cpu = await lossAndGrads();
  await tf.setBackend(backend);
  // Per-parameter max |diff| / max |grad|; the denominator is floored at 1e-3 of the largest gradient
  // anywhere, because some gradients are zero in exact math (the key bias: softmax ignores a constant
  // shift per query) and hold only rounding noise on both backends.
  let globalMax = 0;
  for (const ref of Object.values(cpu.grads)) for (const x of ref) globalMax = Math.max(globalMax, Math.abs(x));
  let maxRel = 0, worst = '';
  let paramMax = 0, paramDiff = 0, signalDiff = 0;
  for (const [name, ref] of Object.entries(cpu.grads)) {
    const got = gpu.grads[name];
    if (!got) throw new Error(`numeric check: gradient "${name}" missing on ${backend}`);
    let maxAbs = 0, maxDiff = 0;
    for (let i = 0; i < ref.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs(ref[i]));
      maxDiff = Math.max(maxDiff, Math.abs(ref[i] - got[i]));
    }
    const rel = maxDiff / Math.max(maxAbs, 1e-3 * globalMax, 1e-30);
    if (rel > maxRel || Number.isNaN(rel)) { maxRel = rel; worst = name; }
    const [p, q] = [cpu.params[name], gpu.params[name]];
    for (let i = 0; i < p.length; i++) {
      const d = Math.abs(p[i] - q[i]);
      paramMax = Math.max(paramMax, Math.abs(p[i]));
      paramDiff = Math.max(paramDiff, d);
      if (Math.abs(ref[i]) > SIGNAL_OVER_DIFF * maxDiff) signalDiff = Math.max(signalDiff, Number.isNaN(d) ? Infinity : d);
    }
  }
  const paramRel = paramDiff / Math.max(paramMax, 1e-30);
  const updateRel = signalDiff / (2 * CHECK_LR);
  const lossAndGradsOk = Math.abs(gpu.loss - cpu.loss) <= tolerance * Math.abs(cpu.loss) && maxRel <= tolerance * 10;
  // fp32: every element's parameters agree; f16-tc: gradients agree at f16 input rounding, and so do the moves of
  // the elements whose gradient is signal (the sign of a gradient within rounding of zero is not defined at f16)
  const ok = lossAndGradsOk && (precision === 'f16-tc' ? updateRel <= 0.1 : paramRel <= tolerance);
  return { backend, loss: gpu.loss, cpuLoss: cpu.loss, maxRelGradDiff: maxRel, worstParam: worst, maxRelParamDiffAfterAdamW: paramRel,
    maxUpdateDiffWhereSignal: updateRel, precision, ok };
}

export const formatCheck = (c: NumericCheck) =>
  `loss ${c.loss.toPrecision(6)} vs ${c.cpuLoss.toPrecision(6)}, max |grad diff| / max |grad| = ${c.maxRelGradDiff.toExponential(2)} (${c.worstParam}), `
  + `params after 2 AdamW steps ${c.maxRelParamDiffAfterAdamW.toExponential(2)}, `
  + `their moves where the gradient is signal ${c.maxUpdateDiffWhereSignal.toExponential(2)} of 2·lr (${c.precision}) -> ${c.ok ? 'OK' : 'MISMATCH'}`;
