// MobileBERT (Sun et al. 2020) as a DistillMethod for the shared loop: a randomly initialised bottleneck student
// learns, layer by layer (progressive, default) or all layers at once (joint), the teacher's feature maps (MSE
// through learned linear maps, feature-maps.ts) and attention distributions (KL(teacher ‖ student),
// attention-transfer.ts) through the layer map; then pre-training distillation L = α·MLM + (1 − α)·T²·KD.
// In a progressive stage (lowerLayers, default 'authors') the stage layer learns at 3× the authors' per-phase background
// rate and the layers below it at 0.1 of that (layer-wise-lr.ts); 'frozen' stops the gradient below the stage layer
// and lists the lower layers and embeddings in frozenVariables, so the loop drops them before AdamW.
import * as tf from '@tensorflow/tfjs';
import { stepSeed } from '../../kernels/dropout-mask.js';
import { bertForward, maskedLmLoss, mlmHead } from '../../bert/index.js';
import { extendedAttentionMask } from '../../bert/attention.js';
import { maybeDropout } from '../../bert/ops.js';
import {
  initMobileBertWeights, mobileBertEmbeddings, mobileBertForward, mobileBertLayer, mobileBertMlmHead, type MobileBertConfig,
} from '../../mobilebert/index.js';
import type { DistillMethod, MethodState, MlmBatch } from '../../train/method.js';
import { meanSquaredError, softTargetKl } from '../common/losses.js';
import { baselineState, checkBaselineState } from '../common/method-state.js';
import { stopGradient } from '../common/stop-gradient.js';
import { disposeVariables, snapshot, toVariables, type VariableRecord } from '../common/student-variables.js';
import { requireMlmHead, type Teacher } from '../common/teacher.js';
import { attentionKl } from './attention-transfer.js';
import { createFeatureMaps, mapFeatures } from './feature-maps.js';
import { resolveMobileBertOptions, type MobileBertOptions, type ResolvedMobileBertOptions } from './options.js';
import { stageAt, stageKey, type MobileBertStage } from './schedule.js';
import { authorsLearningRate, layerWiseFactor } from './layer-wise-lr.js';
import { resolveMobileBertSetup } from './setup.js';

const VARIABLE_PREFIX = 'mobilebert/';

export interface MobileBertMethod extends DistillMethod {
  readonly studentConfig: MobileBertConfig;
  readonly layerMap: number[];
  readonly options: ResolvedMobileBertOptions;
  /** 'per-head' when head counts match, else 'head-mean'. */
  readonly attentionMode: 'per-head' | 'head-mean';
  stageAt(step: number, totalSteps: number): MobileBertStage;
  /** The student's variables by HF name, and the feature maps (tests). */
  readonly variables: () => VariableRecord;
  readonly featureMaps: () => VariableRecord;
}

/**
 * For direct callers (tests, benchmarks): parses the options with the method's schema first. The distill job hands
 * the options the service parsed to mobileBertMethodFrom, which does not parse them again.
 */
export function createMobileBertMethod(teacher: Teacher, options: MobileBertOptions = {}): MobileBertMethod {
  return mobileBertMethodFrom(teacher, resolveMobileBertOptions(options));
}

/** The method for options already parsed (shared/api/method-options.ts). */
export function mobileBertMethodFrom(teacher: Teacher, opts: ResolvedMobileBertOptions): MobileBertMethod {
  requireMlmHead(teacher, 'mobilebert');
  const { target, studentConfig: cfg, layerMap } = resolveMobileBertSetup(teacher.config, opts);
  let student: VariableRecord = toVariables(initMobileBertWeights(cfg, opts.seed, { mlmHead: true }), VARIABLE_PREFIX);
  let maps: VariableRecord = createFeatureMaps(cfg.numHiddenLayers, cfg.hiddenSize, teacher.config.hiddenSize, opts.seed, VARIABLE_PREFIX);
  const stateJson = { method: 'mobilebert' as const, target, layerMap, schedule: opts.schedule, transferFraction: opts.transferFraction, lowerLayers: opts.lowerLayers,
    intraBottleneckSize: cfg.intraBottleneckSize, embeddingSize: cfg.embeddingSize };
  // the loop tells the method the budget through stepKey before each step
  let totalSteps = 1;
  const stage = (step: number) => stageAt(step, totalSteps, cfg.numHiddenLayers, opts.schedule, opts.transferFraction);

  function transferLoss(batch: MlmBatch, layer: number | null, dropout: { hidden: number; attention: number; seed: ReturnType<typeof stepSeed> } | undefined) {
    const inputs = { inputIds: batch.inputIds, attentionMask: batch.attentionMask, tokenTypeIds: batch.tokenTypeIds };
    const t = bertForward(teacher.weights, teacher.config, inputs, { outputHiddenStates: true, outputAttentions: true });
    const last = layer ?? cfg.numHiddenLayers - 1;
    let hidden = maybeDropout(mobileBertEmbeddings(student, cfg, batch.inputIds, batch.tokenTypeIds), dropout?.hidden, dropout?.seed) as tf.Tensor3D;
    const ext = extendedAttentionMask(batch.attentionMask);
    const outs: tf.Tensor3D[] = [], probs: tf.Tensor4D[] = [];
    for (let i = 0; i <= last; i++) {
      // progressive: the stage's layer learns on top of frozen lower layers (no gradient flows below it)
      if (layer !== null && i === layer && opts.lowerLayers === 'frozen') hidden = stopGradient(hidden);
      const r = mobileBertLayer(student, cfg, i, hidden, ext, dropout);
      hidden = r.output;
      outs.push(hidden);
      probs.push(r.probs);
    }
    const trained = layer === null ? outs.map((_, m) => m) : [layer];
    const featureMap = tf.addN(trained.map((m) => meanSquaredError(mapFeatures(maps, m, outs[m]), t.hiddenStates![layerMap[m] + 1]))) as tf.Scalar;
    const attention = tf.addN(trained.map((m) => attentionKl(t.attentions![layerMap[m]], probs[m], batch.attentionMask))) as tf.Scalar;
    const total = tf.add(tf.mul(featureMap, opts.weights.featureMap), tf.mul(attention, opts.weights.attention)) as tf.Scalar;
    return { total, parts: { featureMap, attention } };
  }

  function distillLoss(batch: MlmBatch, dropout: { hidden: number; attention: number; seed: ReturnType<typeof stepSeed> } | undefined) {
    const inputs = { inputIds: batch.inputIds, attentionMask: batch.attentionMask, tokenTypeIds: batch.tokenTypeIds };
    const t = bertForward(teacher.weights, teacher.config, inputs);
    const s = mobileBertForward(student, cfg, inputs, { dropout });
    const logits = mobileBertMlmHead(student, cfg, s.lastHiddenState);
    const mlm = maskedLmLoss(logits, batch.labels);
    const T = opts.temperature;
    const mask = opts.kdOn === 'masked' ? tf.notEqual(batch.labels, -100) : batch.attentionMask;
    const kd = tf.mul(softTargetKl(logits, mlmHead(teacher.weights, teacher.config, t.lastHiddenState), { temperature: T, mask }), T * T) as tf.Scalar;
    const total = tf.add(tf.mul(mlm, opts.alpha), tf.mul(kd, 1 - opts.alpha)) as tf.Scalar;
    return { total, parts: { mlm, kd } };
  }

  function loss(batch: MlmBatch, step: number) {
    const drop = opts.hiddenDropout > 0 || opts.attentionDropout > 0
      ? { hidden: opts.hiddenDropout, attention: opts.attentionDropout, seed: stepSeed(opts.seed, step, batch.stepWords) } : undefined;
    const s = stage(step);
    return s.kind === 'distill' ? distillLoss(batch, drop) : transferLoss(batch, s.layer, drop);
  }

  return {
    name: 'mobilebert',
    studentConfig: cfg,
    layerMap,
    options: opts,
    attentionMode: cfg.numAttentionHeads === teacher.config.numAttentionHeads ? 'per-head' : 'head-mean',
    stageAt: (step, total) => stageAt(step, total, cfg.numHiddenLayers, opts.schedule, opts.transferFraction),
    variables: () => student,
    featureMaps: () => maps,
    trainableVariables: () => [...Object.values(student), ...Object.values(maps)],
    loss,
    frozenVariables: (step, total) => {
      const s = stageAt(step, total, cfg.numHiddenLayers, opts.schedule, opts.transferFraction);
      if (s.kind !== 'transfer' || s.layer === null || opts.lowerLayers === 'full') return new Set<string>();
      const layer = s.layer;
      if (opts.lowerLayers === 'authors') {
        return new Set(Object.entries({ ...student, ...maps }).filter(([n]) => layerWiseFactor(n, layer) === 0).map(([, v]) => v.name));
      }
      if (layer === 0) return new Set<string>();
      const below = (n: string) => n.startsWith('mobilebert.embeddings.') ||
        Array.from({ length: layer }, (_, i) => `mobilebert.encoder.layer.${i}.`).some((p) => n.startsWith(p));
      return new Set(Object.entries(student).filter(([n]) => below(n)).map(([, v]) => v.name));
    },
    ...(opts.lowerLayers === 'authors' && opts.schedule === 'progressive' ? {
      learningRateAt: (step: number, total: number, lr: number, warmupSteps: number) => authorsLearningRate(step, total,
        stageAt(step, total, cfg.numHiddenLayers, opts.schedule, opts.transferFraction),
        { lr, warmupSteps, transferSteps: Math.round(total * opts.transferFraction), layers: cfg.numHiddenLayers }),
      learningRateScale: (variableName: string, step: number, total: number) => {
        const s = stageAt(step, total, cfg.numHiddenLayers, opts.schedule, opts.transferFraction);
        return s.kind === 'transfer' && s.layer !== null ? layerWiseFactor(variableName.slice(VARIABLE_PREFIX.length), s.layer) : 1;
      },
    } : {}),
    stepKey: (step, total) => {
      totalSteps = total;
      return stageKey(stage(step));
    },
    saveState: (): MethodState => baselineState(stateJson),
    loadState: (state: MethodState) => checkBaselineState(state, stateJson),
    exportStudent: () => ({ family: 'mobilebert', config: cfg, weights: snapshot(student) }),
    exportReport: async () => ({ schedule: opts.schedule, layerMap, intraBottleneckSize: cfg.intraBottleneckSize, embeddingSize: cfg.embeddingSize }),
    dispose() {
      disposeVariables(student);
      disposeVariables(maps);
      student = {};
      maps = {};
    },
  };
}
