// Child process of captured-step.test.ts (webgpu on SwiftShader, set up by the parent). Every case runs the
// same steps twice from the same start, once with capture (WID_CAPTURE=auto) and once eagerly (off), and
// compares losses and parameters bit for bit: a plain MLM step (lr, bias corrections, dropout seed and batch
// change every step; a shape change; an outside tensor replaced -> the template goes stale and is recorded
// again), a step that bakes a per-step value into a constant (must never replay), tensor leaks, and the real
// paths: WID, DistilBERT and TinyBERT through runDistillation and a GLUE fine-tune. Prints one JSON line.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { bertForward, initBertWeights, maskedLmLoss, mlmHead } from '../../src-main/engine/bert/index.js';
import { CapturedStep } from '../../src-main/engine/capture/captured-step.js';
import { variableGrads } from '../../src-main/engine/autodiff/variable-grads.js';
import { AdamW, stepValuesTensor } from '../../src-main/engine/train/adamw.js';
import { stepSeed, stepWordsTensor } from '../../src-main/engine/kernels/dropout-mask.js';
import { learningRateAt } from '../../src-main/engine/train/lr-schedule.js';
import { loadHfModel } from '../../src-main/engine/checkpoint/index.js';
import { runDistillation } from '../../src-main/engine/train/loop.js';
import type { DistillMethod } from '../../src-main/engine/train/method.js';
import { createWidMethod } from '../../src-main/engine/methods/wid/index.js';
import { createDistilBertMethod } from '../../src-main/engine/methods/distilbert/index.js';
import { createTinyBertMethod } from '../../src-main/engine/methods/tinybert/index.js';
import { fineTune } from '../../src-main/engine/glue/finetune.js';
import { loadGlueSplit } from '../../src-main/engine/glue/tsv-loader.js';
import { corpusTokenizer } from '../baselines/support/corpus-tokenizer.js';
import { TINY_STUDENT } from '../train/support/student-mlm-method.js';

const TEACHER = 'test/fixtures/bert/tiny-teacher';
const CORPUS = 'test/fixtures/corpus/pride-and-prejudice.txt';
const backend = await selectBackend('webgpu');
const out: Record<string, unknown> = { device: backend.device };
const t0 = Date.now();
const seconds: Record<string, number> = {};
const lap = (name: string) => { seconds[name] = (Date.now() - t0) / 1000; };

/** Largest |a - b| over two lists of arrays (0 = bitwise equal, NaN if shapes differ). */
function maxDiff(a: ArrayLike<number>[], b: ArrayLike<number>[]): number {
  if (a.length !== b.length) return NaN;
  let d = 0;
  a.forEach((x, i) => {
    if (x.length !== b[i].length) d = NaN;
    for (let j = 0; j < x.length; j++) d = Math.max(d, Math.abs(x[j] - b[i][j]));
  });
  return d;
}

async function withCapture<T>(mode: 'auto' | 'off', fn: () => Promise<T>): Promise<T> {
  const before = process.env.WID_CAPTURE;
  process.env.WID_CAPTURE = mode;
  try { return await fn(); } finally { if (before === undefined) delete process.env.WID_CAPTURE; else process.env.WID_CAPTURE = before; }
}

// ---- 1. a plain MLM step, driven by hand ----------------------------------------------------------------
const cfg = { ...TINY_STUDENT, vocabSize: 64 };
async function plainRun(mode: 'auto' | 'off', memoryPlan: 'on' | 'off' = 'on') {
  const planBefore = process.env.WID_MEMORY_PLAN;
  process.env.WID_MEMORY_PLAN = memoryPlan;
  try { return await plainSteps(mode); } finally { if (planBefore === undefined) delete process.env.WID_MEMORY_PLAN; else process.env.WID_MEMORY_PLAN = planBefore; }
}
async function plainSteps(mode: 'auto' | 'off') {
  return withCapture(mode, async () => {
    const init = initBertWeights(cfg, 5, { mlmHead: true });
    const vars = Object.fromEntries(Object.entries(init).map(([n, t]) => [n, tf.variable(t, true, `${mode}/${n}`)]));
    tf.dispose(Object.values(init));
    const list = Object.values(vars);
    const opt = new AdamW(list, { weightDecay: 0.01 });
    // an outside tensor the step reads; replaced at step 6 (as a WID mask event replaces its index tensors)
    let gate = tf.ones([cfg.hiddenSize]);
    const ctx = { step: 0, h: { lr: 0, bc1: 1, bc2: 1 } };
    const step = new CapturedStep('plain', (inp) => {
      const { value, grads } = variableGrads(() => {
        const dropout = { hidden: 0.1, attention: 0.1, seed: stepSeed(17, ctx.step, inp.stepWords) };
        const h = bertForward(vars, cfg, { inputIds: inp.ids as tf.Tensor2D, attentionMask: inp.mask as tf.Tensor2D }, { dropout }).lastHiddenState;
        return maskedLmLoss(mlmHead(vars, cfg, tf.mul(h, gate) as tf.Tensor3D), inp.labels as tf.Tensor2D);
      }, list);
      opt.applyStep(grads, ctx.h, inp.adam);
      return { loss: value };
    });
    const losses: number[] = [];
    const memory: number[] = [];
    for (let s = 0; s < 12; s++) {
      const seq = s === 4 ? 12 : 8; // one step of another shape: its own key, eager
      if (s === 6) { gate.dispose(); gate = tf.fill([cfg.hiddenSize], 0.9); }
      const n = 4 * seq;
      const ids = tf.tensor2d(Int32Array.from({ length: n }, (_, i) => (i * 7 + s * 13) % cfg.vocabSize), [4, seq], 'int32');
      const labels = tf.tensor2d(Int32Array.from({ length: n }, (_, i) => ((i + s) % 5 === 0 ? (i * 3 + s) % cfg.vocabSize : -100)), [4, seq], 'int32');
      const mask = tf.tensor2d(Int32Array.from({ length: n }, (_, i) => (i % seq < seq - (s % 3) ? 1 : 0)), [4, seq], 'int32');
      ctx.step = s;
      ctx.h = opt.nextStep(learningRateAt(s, 1e-2, 3, 12));
      const inputs = { ids, mask, labels, stepWords: stepWordsTensor(s), adam: stepValuesTensor(ctx.h) };
      const r = step.run(inputs);
      tf.dispose(Object.values(inputs));
      losses.push((await r.loss.data())[0]);
      r.loss.dispose();
      memory.push(tf.memory().numTensors);
    }
    const params = await Promise.all(list.map(async (v) => (await v.data()) as Float32Array));
    const status = step.status();
    const templates = step.memory();
    step.dispose(); opt.dispose(); gate.dispose(); tf.dispose(list);
    return { losses, params, status, memory, templates };
  });
}
const captured = await plainRun('auto');
const eager = await plainRun('off');
// the memory switches off (tfjs' backward walk, tf.add/reshape saving their inputs, no per-layer scopes, tfjs' submit batches while recording): same values
const unplanned = await plainRun('auto', 'off');
out.memoryPlan = {
  lossDiff: maxDiff([captured.losses], [unplanned.losses]), paramDiff: maxDiff(captured.params, unplanned.params),
  templateBytes: captured.templates.stepBytes, unplannedTemplateBytes: unplanned.templates.stepBytes, replayed: unplanned.status.replayedSteps,
};
out.plain = {
  lossDiff: maxDiff([captured.losses], [eager.losses]), paramDiff: maxDiff(captured.params, eager.params),
  losses: captured.losses, status: captured.status, eagerStatus: eager.status,
  // tensors alive after each replayed step stay constant (steps 9..11 all replay)
  memoryAfterReplays: captured.memory.slice(8),
};
lap('plain');

// ---- 2. a step that bakes a per-step value into a constant never replays, and stays right -----------------
{
  const x = tf.variable(tf.ones([8]), true, 'baked/x');
  const opt = new AdamW([x], { weightDecay: 0 });
  const ctx = { scale: 1, h: { lr: 0.1, bc1: 1, bc2: 1 } };
  const step = new CapturedStep('baked', (inp) => {
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(tf.mul(x, x), tf.scalar(ctx.scale))) as tf.Scalar, [x]);
    opt.applyStep(grads, ctx.h, inp.adam);
    return { loss: value };
  });
  const losses: number[] = [];
  for (let s = 0; s < 6; s++) {
    ctx.scale = 1 + s; // a JavaScript number that changes every step, baked into an uploaded constant
    ctx.h = opt.nextStep(0.1);
    const adam = stepValuesTensor(ctx.h);
    const r = step.run({ adam });
    adam.dispose();
    losses.push((await r.loss.data())[0]);
    r.loss.dispose();
  }
  out.baked = { status: step.status(), losses };
  step.dispose(); opt.dispose(); x.dispose();
}

// ---- 3. the real paths: each distillation method through the loop, and a GLUE fine-tune ------------------
const teacher = await loadHfModel(TEACHER);
const methods: Record<string, () => DistillMethod> = {
  wid: () => createWidMethod(teacher, { preset: 'wid55', maskEvery: 0.5, variablePrefix: `wid${Math.random()}/` }),
  distilbert: () => createDistilBertMethod(teacher, {}),
  tinybert: () => createTinyBertMethod(teacher, {}),
};
const distill: Record<string, unknown> = {};
for (const [name, make] of Object.entries(methods)) {
  const runOnce = (mode: 'auto' | 'off') => withCapture(mode, async () => {
    const method = make();
    const losses: number[] = [];
    const logs: string[] = [];
    try {
      const summary = await runDistillation({
        method, tokenizer: corpusTokenizer(teacher.tokenizer!), corpusPath: CORPUS,
        budget: { steps: name === 'wid' ? 8 : 6, seqLen: 16, batchSize: 2, padTo: 'seqLen' },
        optimizer: { lr: 1e-3, warmupSteps: 3, weightDecay: 0.01, clipNorm: 1 },
        seed: 3, checkpointEvery: 0, workDir: mkdtempSync(join(tmpdir(), `wid-capture-${name}-`)), readEvery: 4,
        onProgress: (p) => losses.push(p.values.loss), onLog: (_l, m) => logs.push(m),
      });
      const student = method.exportStudent();
      const weights = await Promise.all(Object.keys(student.weights).sort().map(async (k) => (await student.weights[k].data()) as Float32Array));
      tf.dispose(Object.values(student.weights));
      return { losses, weights, capture: summary.capture, logs };
    } finally {
      method.dispose();
    }
  });
  const a = await runOnce('auto'), b = await runOnce('off');
  distill[name] = {
    lossDiff: maxDiff([a.losses], [b.losses]), weightDiff: maxDiff(a.weights, b.weights), steps: a.losses.length,
    capture: a.capture, eagerCapture: b.capture, log: a.logs.filter((l) => l.startsWith('training step')),
  };
}
out.distill = distill;
lap('distill');

const train = loadGlueSplit('test/fixtures/glue', 'RTE', 'train')[0].examples.slice(0, 24);
const dev = loadGlueSplit('test/fixtures/glue', 'RTE', 'dev').map((d) => ({ ...d, examples: d.examples.slice(0, 16) }));
const glueOnce = (mode: 'auto' | 'off') => withCapture(mode, async () => {
  const losses: number[] = [];
  const r = await fineTune({
    model: teacher, tokenizer: teacher.tokenizer!, task: 'RTE', trainRows: train, devSplits: dev, readEvery: 4, evalBatchSize: 8,
    hp: { lr: 1e-3, epochs: 2, batchSize: 8, maxLength: 32, warmupRatio: 0.1, weightDecay: 0.01, dropout: 0.1, seed: 3 }, keepBestWeights: true,
    onProgress: (p) => losses.push(p.loss),
  });
  const weights = await Promise.all(Object.keys(r.bestWeights!).sort().map(async (k) => (await r.bestWeights![k].data()) as Float32Array));
  tf.dispose(Object.values(r.bestWeights!));
  return { losses, scores: r.epochs.map((e) => e.score), weights, capture: r.capture, shapes: r.shapes };
});
const teacherBefore = (await teacher.weights['bert.encoder.layer.0.attention.self.query.weight'].data()).slice();
const ga = await glueOnce('auto'), gb = await glueOnce('off');
const teacherAfter = await teacher.weights['bert.encoder.layer.0.attention.self.query.weight'].data();
out.glue = {
  lossDiff: maxDiff([ga.losses], [gb.losses]), weightDiff: maxDiff(ga.weights, gb.weights), scores: [ga.scores, gb.scores],
  capture: ga.capture, shapes: ga.shapes, steps: ga.losses.length,
  teacherUnchanged: maxDiff([teacherBefore], [teacherAfter]) === 0,
};
lap('glue');
out.seconds = seconds;
console.log(JSON.stringify(out));
