// Loss-scaled optimiser steps driven by hand, for the loss-scaling tests (cpu) and their SwiftShader child: a
// small dense layer, mean squared error against targets that arrive as a step input, the real distillation step
// (train/distillation-step.ts) with AdamW and a LossScaler. A "poisoned" step's targets hold an inf, so its loss
// and gradients are inf/NaN, as an f16 overflow would make them. 'reference' runs the step as it was written
// before loss scaling existed (variableGrads -> clip -> applyStep), to hold the 'off' path to it bit for bit.
import * as tf from '@tensorflow/tfjs';
import { AdamW, stepValuesTensor } from '../../../src-main/engine/train/adamw.js';
import { CapturedStep } from '../../../src-main/engine/capture/captured-step.js';
import { clipByGlobalNormTensor } from '../../../src-main/engine/train/clip.js';
import { distillationStep, type StepContext } from '../../../src-main/engine/train/distillation-step.js';
import { lossScaler, type LossScaleSettings, type LossScalingMode } from '../../../src-main/engine/train/loss-scale.js';
import type { DistillMethod } from '../../../src-main/engine/train/method.js';

export interface StepsOptions {
  mode: LossScalingMode | 'reference';
  steps: number;
  /** 0-based steps whose gradients hold an inf. */
  poison?: number[];
  settings?: Partial<LossScaleSettings>;
  /** Constant learning rate (default 1e-2) or one per step. */
  lr?: number | ((step: number) => number);
  correctBias?: boolean;
  clipNorm?: number;
  /** Steps to skip entirely (not run at all): the fp32 twin of a run whose step was skipped. */
  leaveOut?: number[];
}

export interface Snapshot { params: Float32Array[]; m: Float32Array[]; v: Float32Array[] }
export interface StepsResult {
  /** After each step run. */
  snapshots: Snapshot[];
  /** Each step's values tensor: [loss, gradient norm, ...parts] and with scaling [skip, scale]. */
  values: number[][];
  memory: number[];
  scaler: { scale: number; skippedSteps: number; appliedSteps: number } | null;
  capture: ReturnType<CapturedStep['status']>;
}

let runs = 0;
const IN = 4, OUT = 3, ROWS = 2;

function stepData(s: number, poisoned: boolean): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const x = Float32Array.from({ length: ROWS * IN }, (_, i) => Math.sin(1 + i * 0.7 + s * 1.3));
  const y = Float32Array.from({ length: ROWS * OUT }, (_, i) => Math.cos(i * 0.9 + s * 0.4) * 0.5);
  if (poisoned) y[1] = Infinity;
  return { x: tf.tensor2d(x, [ROWS, IN]), y: tf.tensor2d(y, [ROWS, OUT]) };
}

export async function runSteps(o: StepsOptions): Promise<StepsResult> {
  const prefix = `loss-scale-${runs++}/`;
  const w = tf.variable(tf.tensor2d(Float32Array.from({ length: IN * OUT }, (_, i) => Math.cos(i * 1.1) * 0.3), [IN, OUT]), true, `${prefix}dense.weight`);
  const b = tf.variable(tf.tensor1d(Float32Array.from({ length: OUT }, (_, i) => 0.1 * i)), true, `${prefix}dense.bias`);
  const vars = [w, b];
  const optimizer = new AdamW(vars, { weightDecay: 0.01, correctBias: o.correctBias });
  const scaler = lossScaler(o.mode === 'reference' ? 'off' : o.mode, optimizer, o.settings);
  const method = {
    name: 'distilbert',
    trainableVariables: () => vars,
    loss(batch: { inputIds: tf.Tensor2D; labels: tf.Tensor2D }) {
      const pred = tf.add(tf.matMul(batch.inputIds, w), b);
      const mse = tf.mean(tf.square(tf.sub(pred, batch.labels))) as tf.Scalar;
      return { total: mse, parts: { mse } };
    },
  } as unknown as DistillMethod;
  const ctx: StepContext = { step: 0, totalSteps: o.steps, adam: { lr: 0, bc1: 1, bc2: 1 } };
  const clipNorm = o.clipNorm ?? 1;
  const fn = o.mode === 'reference'
    ? (inputs: Record<string, tf.Tensor>) => {
      // the step before loss scaling (distillation-step.ts as it was), for the bit-for-bit check of 'off'
      const { value, grads } = tf.variableGrads(() => method.loss({ inputIds: inputs.inputIds, labels: inputs.labels } as never, ctx.step).total, vars);
      const clipped = clipByGlobalNormTensor(grads, clipNorm);
      optimizer.applyStep(clipped.grads, ctx.adam, inputs.adamStep);
      return { values: tf.stack([value, clipped.norm, value]) };
    }
    : distillationStep(method, vars, optimizer, clipNorm, ctx, () => {}, scaler);
  const step = new CapturedStep('loss-scale-test', fn);
  const snapshots: Snapshot[] = [], values: number[][] = [], memory: number[] = [];
  const read = async (ts: tf.Tensor[]) => Promise.all(ts.map(async (t) => Float32Array.from(await t.data())));
  try {
    for (let s = 0; s < o.steps; s++) {
      if (o.leaveOut?.includes(s)) continue;
      const lr = typeof o.lr === 'function' ? o.lr(s) : (o.lr ?? 1e-2);
      ctx.step = s;
      ctx.adam = scaler.nextStep(optimizer, lr);
      const { x, y } = stepData(s, o.poison?.includes(s) ?? false);
      const inputs = { inputIds: x, labels: y, adamStep: stepValuesTensor(ctx.adam) };
      const out = step.run(inputs).values;
      tf.dispose(Object.values(inputs));
      values.push(Array.from(await out.data()));
      out.dispose();
      const state = optimizer.getState();
      snapshots.push({ params: await read(vars), m: await read(vars.map((v) => state.m[v.name])), v: await read(vars.map((v) => state.v[v.name])) });
      tf.dispose([...Object.values(state.m), ...Object.values(state.v)]);
      memory.push(tf.memory().numTensors);
    }
    return { snapshots, values, memory, scaler: await scaler.read(), capture: step.status() };
  } finally {
    step.dispose();
    scaler.dispose();
    optimizer.dispose();
    tf.dispose(vars);
  }
}

/** Largest |a - b| / max(|b|, 1e-12) over two snapshots' parameters (NaN when shapes differ). */
export function maxRelDiff(a: Float32Array[], b: Float32Array[]): number {
  if (a.length !== b.length) return NaN;
  let d = 0;
  a.forEach((x, i) => {
    if (x.length !== b[i].length) d = NaN;
    for (let j = 0; j < x.length; j++) d = Math.max(d, Math.abs(x[j] - b[i][j]) / Math.max(Math.abs(b[i][j]), 1e-12));
  });
  return d;
}

/** Whether two snapshots are equal bit for bit. */
export function sameBits(a: Float32Array[], b: Float32Array[]): boolean {
  return a.length === b.length && a.every((x, i) => x.length === b[i].length && Buffer.from(x.buffer).equals(Buffer.from(b[i].buffer)));
}
