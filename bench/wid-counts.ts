// `npm run bench -- wid-counts [--backend webgpu] [--layers 4] [--hidden 64] [--vocab 512] [--batch 2] [--seq 16]`
// How many kernels and dispatches one step runs: the plain MLM step and the WID step (authors' schedule, wid55) at
// full width and after a mask event (the authors' penalty on), with the WID step's cuts off ("before":
// WID_BATCHED_COMPACTORS=off WID_COMPACTOR_TRANSPOSE=on WID_CLIP_NORM=scalar WID_PENALTY_MASKED=step) and on ("after",
// with WID_CLIP_NORM=rows so every matrix is summed by rows first, as at real widths). Counts depend on the teacher's
// structure (layers, which maps), not on its widths, so a narrow teacher runs on SwiftShader. tfjs kernels: one
// eager step under tf.profile, Reshape/Identity left out; dispatches: the replayed template (webgpu only).
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { selectBackend, type BackendPreference } from '../src-main/engine/backend/index.js';
import { initBertWeights, disposeWeights, type BertConfig } from '../src-main/engine/bert/index.js';
import { widMethod } from '../src-main/engine/methods/wid/registration.js';
import { createWidMethod, type WidMethod } from '../src-main/engine/methods/wid/index.js';
import { AdamW, stepValuesTensor } from '../src-main/engine/train/adamw.js';
import { CapturedStep } from '../src-main/engine/capture/captured-step.js';
import { distillationStep, type StepContext } from '../src-main/engine/train/distillation-step.js';
import { stepWordsTensor } from '../src-main/engine/kernels/dropout-mask.js';
import { makeTrainStep } from './lib/train-step-model.js';

/** The clip norm a WID run uses (the authors': none, 0); the step still computes the gradient norm for its log. */
const widClipNorm = widMethod.optimizer.clipNorm;

export async function main(argv: string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({
    args: argv,
    options: {
      backend: { type: 'string', default: 'webgpu' }, layers: { type: 'string', default: '4' }, hidden: { type: 'string', default: '64' },
      vocab: { type: 'string', default: '512' }, batch: { type: 'string', default: '2' }, seq: { type: 'string', default: '16' },
    },
  });
  const backend = await selectBackend(values.backend as BackendPreference);
  const H = Number(values.hidden);
  const cfg: BertConfig = {
    vocabSize: Number(values.vocab), hiddenSize: H, numHiddenLayers: Number(values.layers), numAttentionHeads: 4, intermediateSize: 4 * H,
    maxPositionEmbeddings: 512, typeVocabSize: 2, layerNormEps: 1e-12, hiddenAct: 'gelu',
  };
  const B = Number(values.batch), S = Number(values.seq);
  const SETS: Record<string, Record<string, string>> = {
    before: { WID_BATCHED_COMPACTORS: 'off', WID_COMPACTOR_TRANSPOSE: 'on', WID_CLIP_NORM: 'scalar', WID_PENALTY_MASKED: 'step' },
    after: { WID_BATCHED_COMPACTORS: 'on', WID_COMPACTOR_TRANSPOSE: 'off', WID_CLIP_NORM: 'rows', WID_PENALTY_MASKED: 'precomputed' },
  };
  const count = async (run: () => tf.Tensor) => {
    const info = await tf.profile(() => run());
    const by: Record<string, number> = {};
    for (const k of info.kernels) if (!['Reshape', 'Identity'].includes(k.name)) by[k.name] = (by[k.name] ?? 0) + 1;
    return { kernels: Object.values(by).reduce((a, b) => a + b, 0), by };
  };
  const out: Record<string, unknown> = {};
  {
    const p = makeTrainStep(cfg, B, S, { capture: 'auto' });
    for (let i = 0; i < 5; i++) { const l = p.step(); await l.data(); l.dispose(); }
    const st = p.capture!.status();
    p.dispose();
    const e = makeTrainStep(cfg, B, S, { capture: 'off' });
    const w = e.step(); await w.data(); w.dispose();
    out.plain = { dispatches: st.dispatches, path: st.path, ...(await count(() => e.step())) };
    e.dispose();
  }
  for (const [name, env] of Object.entries(SETS)) {
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    try {
      const teacher = initBertWeights(cfg, 1, { mlmHead: true });
      const m: WidMethod = createWidMethod({ config: cfg, weights: teacher }, { preset: 'wid55', dropout: 0, variablePrefix: `${name}/` });
      const opt = new AdamW(m.trainableVariables(), { weightDecay: 0.01 });
      const batch = {
        inputIds: tf.randomUniform([B, S], 5, cfg.vocabSize, 'int32', 1) as tf.Tensor2D, attentionMask: tf.ones([B, S], 'int32') as tf.Tensor2D,
        tokenTypeIds: tf.zeros([B, S], 'int32') as tf.Tensor2D, labels: tf.randomUniform([B, S], 5, cfg.vocabSize, 'int32', 2) as tf.Tensor2D,
      };
      for (const phase of ['full', 'pruned']) {
        if (phase === 'pruned') await m.afterStepAsync(0, 1);
        const ctx: StepContext = { step: 0, totalSteps: 1e9, adam: { lr: 5e-5, bc1: 1, bc2: 1 } };
        const mk = (mode: 'auto' | 'off') => new CapturedStep(`c-${name}-${phase}-${mode}`, distillationStep(m, m.trainableVariables(), opt, widClipNorm, ctx, () => {}), { mode });
        const key = `${name}-${phase}`;
        const runOn = (c: CapturedStep) => () => {
          ctx.adam = opt.nextStep(5e-5);
          const inputs = { ...batch, stepWords: stepWordsTensor(ctx.step), adamStep: stepValuesTensor(ctx.adam) };
          try { return c.run(inputs, key).values; } finally { tf.dispose([inputs.stepWords, inputs.adamStep]); }
        };
        // pruned: a step after the first mask (authors' penalty branch)
        if (phase === 'pruned') { ctx.step = 10; ctx.totalSteps = 100; }
        const cap = mk('auto');
        for (let i = 0; i < 5; i++) { const v = runOn(cap)(); await v.data(); v.dispose(); }
        const st = cap.status(); cap.dispose();
        const eager = mk('off');
        const v0 = runOn(eager)(); await v0.data(); v0.dispose();
        out[key] = { dispatches: st.dispatches, path: st.path, replayed: st.replayedSteps, ...(await count(runOn(eager))) };
        eager.dispose();
      }
      tf.dispose(Object.values(batch)); opt.dispose(); m.dispose(); disposeWeights(teacher);
    } finally {
      for (const [k, v] of Object.entries(saved)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
    }
  }
  const result = { bench: 'wid-counts', backend: backend.name, device: backend.device, config: cfg, batch: B, seq: S, counts: out };
  console.log(JSON.stringify(result, null, 1));
  return result;
}
