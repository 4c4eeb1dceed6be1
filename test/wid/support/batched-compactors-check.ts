// The WID step with the compactor products batched by shape (methods/wid/compact-products.ts) against the
// per-linear path with C transposed every step (WID_BATCHED_COMPACTORS=off WID_COMPACTOR_TRANSPOSE=on, the step
// before batching), on the backend already selected: effective weights, loss, every gradient, and the parameters
// after a few AdamW steps of the loop's own step (train/distillation-step.ts, eager or captured). Two schedules:
// the authors' (teacher width, nothing gathered, teacher weights trained) and 'hard' after a mask event (rows and
// columns gathered). Also the clip's row-first Σg² against the one-pass sum (WID_CLIP_NORM=scalar), and the
// authors' penalty with the mask event's precomputed 1 − keep against 1 − keep formed in the step (WID_PENALTY_MASKED=step).
import * as tf from '@tensorflow/tfjs';
import { CapturedStep } from '../../../src-main/engine/capture/captured-step.js';
import { disposeWeights } from '../../../src-main/engine/bert/index.js';
import { createWidMethod, type WidMethod, type WidOptions } from '../../../src-main/engine/methods/wid/index.js';
import { disposeMaskIndexTensors, effectiveWeights, maskIndexTensors } from '../../../src-main/engine/methods/wid/effective-weights.js';
import { fullMasks } from '../../../src-main/engine/methods/wid/masks.js';
import { unmaskedIndices } from '../../../src-main/engine/methods/wid/mask-state.js';
import { AdamW, stepValuesTensor } from '../../../src-main/engine/train/adamw.js';
import { distillationStep, type StepContext } from '../../../src-main/engine/train/distillation-step.js';
import { stepWordsTensor } from '../../../src-main/engine/kernels/dropout-mask.js';
import type { MlmBatch } from '../../../src-main/engine/train/method.js';
import { tinyBatch, tinyConfig, tinyTeacher } from './tiny-teacher.js';

/** The env of each path compared; the first is the reference (the step as it was before batching). */
export const PATHS: Record<string, Record<string, string>> = {
  before: { WID_BATCHED_COMPACTORS: 'off', WID_COMPACTOR_TRANSPOSE: 'on', WID_CLIP_NORM: 'scalar', WID_PENALTY_MASKED: 'step' },
  'off-no-transpose': { WID_BATCHED_COMPACTORS: 'off', WID_COMPACTOR_TRANSPOSE: 'off', WID_CLIP_NORM: 'scalar' },
  square: { WID_BATCHED_COMPACTORS: 'square', WID_CLIP_NORM: 'scalar' },
  batched: { WID_BATCHED_COMPACTORS: 'on', WID_CLIP_NORM: 'scalar' },
  'batched-rows-norm': { WID_BATCHED_COMPACTORS: 'on', WID_CLIP_NORM: 'rows' },
};

/** max |a − b| / max |a| over every named tensor (names without their prefix). */
export interface Comparison { effective: number; loss: number; grads: number; gradCount: number; params: number; paramAbs: number; steps: number; replayed: number }

async function withEnv<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try { return await fn(); } finally {
    for (const [k, v] of Object.entries(before)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
  }
}

function batch(): MlmBatch {
  const b = tinyBatch();
  return { ...b, labels: tf.tensor2d([[-100, 6, -100, 8, 12, -100], [-100, -100, 4, 20, -100, -100]], undefined, 'int32') };
}

interface Snapshot { effective: Record<string, Float32Array>; loss: number; grads: Record<string, Float32Array>; params: Record<string, Float32Array>; replayed: number }

const strip = (name: string, prefix: string) => name.slice(prefix.length);

/** One path from the same start: compactors and teacher weights moved off their init deterministically. */
async function snapshot(schedule: 'authors' | 'hard', prefix: string, env: Record<string, string>, capture: 'auto' | 'off', steps: number): Promise<Snapshot> {
  const teacher = tinyTeacher(3);
  const options: WidOptions = schedule === 'authors'
    ? { dropout: 0, variablePrefix: prefix, target: { hidden: 8, heads: 2, intermediate: 16 } }
    : { schedule: 'hard', dropout: 0, teacherLr: 0, objective: 'mlm', target: { hidden: 8, heads: 2, intermediate: 16 }, pruneEvents: 1, pruneStart: 0, pruneEnd: 0, variablePrefix: prefix };
  const m: WidMethod = createWidMethod({ config: tinyConfig, weights: teacher }, options);
  const vars = m.trainableVariables();
  vars.forEach((v, k) => tf.tidy(() => v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.15, 'float32', 50 + k)))));
  // a mask event: 'hard' gathers rows and columns from here on; the authors' step stays at teacher width and its
  // penalty decays the masked rows and columns (every step after the first: wStep = 1 of 100)
  await m.afterStepAsync(0, 1);
  const b = batch();
  const out: Snapshot = { effective: {}, loss: 0, grads: {}, params: {}, replayed: 0 };
  try {
    await withEnv(env, async () => {
      if (schedule === 'authors') {
        // the effective weights the authors' step forms (teacher width, nothing gathered) and the merge's (pruned: gathered)
        const compactors = Object.fromEntries(vars.filter((v) => !v.name.includes('/teacher/')).map((v) => [strip(v.name, prefix), v]));
        const inherited = { ...teacher, ...Object.fromEntries(vars.filter((v) => v.name.includes('/teacher/')).map((v) => [strip(v.name, `${prefix}teacher/`), v])) };
        const pruned = maskIndexTensors(tinyConfig, m.masks());
        for (const [label, masks, idx] of [['full', fullMasks(tinyConfig), unmaskedIndices(tinyConfig.numHiddenLayers)], ['pruned', m.masks(), pruned]] as const) {
          const eff = tf.tidy(() => effectiveWeights(inherited, tinyConfig, compactors, masks, idx).weights);
          for (const [n, t] of Object.entries(eff)) { out.effective[`${label}:${n}`] = (await t.data()) as Float32Array; }
          tf.dispose(Object.values(eff).filter((t) => !Object.values(inherited).includes(t as tf.Variable) && !Object.values(teacher).includes(t)));
        }
        disposeMaskIndexTensors(pruned);
      }
      const { value, grads } = tf.variableGrads(() => m.loss(b, 0).total, vars);
      out.loss = (await value.data())[0];
      for (const [n, g] of Object.entries(grads)) out.grads[strip(n, prefix)] = (await g.data()) as Float32Array;
      tf.dispose([value, ...Object.values(grads)]);
      // the loop's own step: gradients, clip, the method's penalty, AdamW in place
      const opt = new AdamW(vars, { weightDecay: 0.01 });
      const ctx: StepContext = { step: 0, totalSteps: 100, adam: { lr: 1e-3, bc1: 1, bc2: 1 } };
      const step = new CapturedStep(`batched-${prefix}`, distillationStep(m, vars, opt, 1, ctx, () => {}), { mode: capture });
      try {
        for (let s = 0; s < steps; s++) {
          ctx.step = s;
          ctx.adam = opt.nextStep(1e-3);
          const inputs = { ...b, stepWords: stepWordsTensor(s), adamStep: stepValuesTensor(ctx.adam) };
          const r = step.run(inputs, m.stepKey!(s, ctx.totalSteps));
          await r.values.data();
          tf.dispose([r.values, inputs.stepWords, inputs.adamStep]);
        }
        out.replayed = step.status().replayedSteps;
      } finally {
        step.dispose();
        opt.dispose();
      }
      for (const v of vars) out.params[strip(v.name, prefix)] = (await v.data()) as Float32Array;
    });
  } finally {
    tf.dispose(Object.values(b));
    m.dispose();
    disposeWeights(teacher);
  }
  return out;
}

function relDiff(a: Record<string, Float32Array>, b: Record<string, Float32Array>): { rel: number; abs: number; count: number } {
  const names = Object.keys(a);
  if (names.length !== Object.keys(b).length) return { rel: NaN, abs: NaN, count: names.length };
  let rel = 0, abs = 0;
  for (const n of names) {
    const x = a[n], y = b[n];
    if (!y || y.length !== x.length) return { rel: NaN, abs: NaN, count: names.length };
    let d = 0, s = 0;
    for (let i = 0; i < x.length; i++) { d = Math.max(d, Math.abs(x[i] - y[i])); s = Math.max(s, Math.abs(x[i])); }
    rel = Math.max(rel, s > 0 ? d / s : d);
    abs = Math.max(abs, d);
  }
  return { rel, abs, count: names.length };
}

/**
 * The named paths of PATHS against `before` (eager), per schedule: result[capture][schedule][path], each path's steps
 * eager ('off') or captured and replayed ('auto') as `captures` lists. The reference runs once per schedule.
 */
export async function compareBatchedCompactors(
  opts: { paths?: string[]; captures?: ('off' | 'auto')[]; steps?: number } = {},
): Promise<Record<string, Record<string, Record<string, Comparison>>>> {
  const paths = opts.paths ?? Object.keys(PATHS).filter((p) => p !== 'before');
  const captures = opts.captures ?? ['off'];
  const steps = opts.steps ?? 5;
  const result: Record<string, Record<string, Record<string, Comparison>>> = Object.fromEntries(captures.map((c) => [c, {}]));
  for (const schedule of ['authors', 'hard'] as const) {
    const ref = await snapshot(schedule, `${schedule}-before-off/`, PATHS.before, 'off', steps);
    for (const capture of captures) {
      result[capture][schedule] = {};
      for (const name of paths) {
        const s = await snapshot(schedule, `${schedule}-${name}-${capture}/`, PATHS[name], capture, steps);
        const g = relDiff(ref.grads, s.grads), p = relDiff(ref.params, s.params);
        result[capture][schedule][name] = {
          effective: schedule === 'authors' ? relDiff(ref.effective, s.effective).rel : 0,
          loss: Math.abs(ref.loss - s.loss) / Math.abs(ref.loss), grads: g.rel, gradCount: g.count, params: p.rel, paramAbs: p.abs,
          steps, replayed: s.replayed,
        };
      }
    }
  }
  return result;
}
