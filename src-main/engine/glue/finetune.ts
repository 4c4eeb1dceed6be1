// Fine-tunes a model of any family (model-family/: BERT, ALBERT, MobileBERT; teacher or student) on one GLUE task and scores it on the task's dev split(s)
// after every epoch, as BERT's run_glue recipe does: a fresh classification head on the pooled [CLS]
// output (STS-B: one regression output with MSE), AdamW with linear warm-up then linear decay,
// gradient clipping at 1.0, optional dropout. Every step runs inside tf.tidy.
// GPU-friendly by construction: batches are padded to a few fixed lengths (length-buckets.ts), losses and
// gradient norms are read a few steps behind (lagged-reads.ts), and evaluation runs at one batch shape per
// bucket; nothing reads synchronously, so it runs on webgpu in Node.
import * as tf from '@tensorflow/tfjs';
import { variableGrads } from '../autodiff/variable-grads.js';
import type { BertWeights } from '../bert/index.js';
import { familyOps, type FamilyConfig, type FamilyModel, type ModelFamily } from '../model-family/index.js';
import { maybeDropout } from '../bert/ops.js';
import { AdamW, stepValuesTensor, type AdamWStepValues } from '../train/adamw.js';
import { CapturedStep, type CaptureStatus } from '../capture/captured-step.js';
import { ownedCopy } from '../capture/in-place.js';
import { seedPlus, stepSeed, stepWordsTensor, type DropoutSeed } from '../kernels/dropout-mask.js';
import { clipByGlobalNormTensor } from '../train/clip.js';
import { LaggedReads } from '../train/lagged-reads.js';
import { lossScaler, MAX_SKIPPED_IN_A_ROW, type LossScaleSettings, type LossScalingMode } from '../train/loss-scale.js';
import type { LossScalingSummary } from '../train/loop.js';
import { bucketFor, lengthBuckets } from './length-buckets.js';
import { learningRateAt } from '../train/lr-schedule.js';
import { Rng } from '../train/rng.js';
import { GLUE_TASKS, type GlueTaskName } from './tasks.js';
import { glueMetrics, glueTaskScore } from './metrics.js';
import type { GlueExample, GlueSplit } from './tsv-loader.js';

/** What fine-tuning needs from a tokenizer (engine/tokenizer's BertTokenizer has this shape). */
export interface GlueTokenizer {
  encode(text: string, pair?: string, opts?: { maxLength?: number; truncation?: 'longest_first' | 'only_first' | false; padding?: 'max_length' | 'longest' | false }):
    { inputIds: number[]; attentionMask: number[]; tokenTypeIds: number[] };
}

export interface FineTuneHyperParams {
  lr: number;
  epochs: number;
  batchSize: number;
  maxLength: number;
  /** Fraction of all steps spent warming up (BERT: 0.1). */
  warmupRatio: number;
  weightDecay: number;
  seed: number;
  /** Hidden and attention dropout during training (BERT: 0.1); 0 = off. */
  dropout?: number;
  /** Global gradient-norm clip (BERT: 1.0). */
  clipNorm?: number;
  /**
   * 'checkpoint' (default): use the model's pooler where its checkpoint has one (as transformers'
   * from_pretrained does), a fresh one where it has none; 'fresh': always a freshly initialised pooler.
   */
  pooler?: 'checkpoint' | 'fresh';
  /**
   * 'fresh' (default): a new classifier, N(0, 0.02) weights and zero bias; 'checkpoint': the model's own
   * `classifier.*` (a sequence classifier fine-tuned further), which must have the task's label count.
   */
  classifier?: 'fresh' | 'checkpoint';
}

export interface DevResult {
  /** Dev split name ("RTE", "MNLI-m", ...) → GLUE metrics as fractions. */
  metrics: Record<string, Record<string, number>>;
  /** Mean of the split task scores: what "best" is chosen by. */
  score: number;
}

export interface FineTuneEpoch extends DevResult { epoch: number; trainLoss: number }

export interface FineTuneProgress {
  step: number;
  totalSteps: number;
  epoch: number;
  loss: number;
  lr: number;
  /** The gradient's global norm before clipping (of the unscaled gradients). */
  gradNorm: number;
  /** Present on the last step of an epoch: that epoch's dev figures. */
  dev?: DevResult;
  /** With loss scaling: the scale after this step, and whether the step was skipped (its loss may then be NaN or inf). */
  lossScale?: number;
  skipped?: boolean;
}

export interface FineTuneResult {
  task: GlueTaskName;
  hp: FineTuneHyperParams;
  epochs: FineTuneEpoch[];
  best: FineTuneEpoch;
  steps: number;
  /** Config of the fine-tuned classifier (numLabels / problemType set). */
  config: FamilyConfig;
  /** The model's family (BERT when the model named none). */
  family: ModelFamily;
  /** Weights at the best epoch (<Family>ForSequenceClassification names); only with keepBestWeights. Caller disposes. */
  bestWeights?: BertWeights;
  /** Distinct batch shapes of training and evaluation ("train 32x64", "eval 64x128", ...). */
  shapes: string[];
  /** How training and evaluation steps ran: replayed from captures, or eagerly and why. */
  capture: { train: CaptureStatus; evaluate: CaptureStatus };
  /**
   * Wall seconds of training (batching, steps, waiting for their losses) and of evaluation (dev passes and their
   * read-back); pipeline creation falls in whichever ran a shape first. The rest of a task's time is set-up.
   */
  seconds: { train: number; evaluate: number };
  /** Loss scaling: its mode, the scale after the last step and the steps skipped on inf/NaN gradients. */
  lossScaling: LossScalingSummary;
}

export interface FineTuneArgs {
  model: FamilyModel;
  tokenizer: GlueTokenizer;
  task: GlueTaskName;
  trainRows: GlueExample[];
  /** One entry per dev split (MNLI: matched and mismatched). */
  devSplits: GlueSplit[];
  hp: FineTuneHyperParams;
  signal?: AbortSignal;
  onProgress?: (p: FineTuneProgress) => void;
  keepBestWeights?: boolean;
  /** Evaluation batch size (default 64). */
  evalBatchSize?: number;
  /** Read losses every N steps (default 16; 1 = every step). Progress for a step is reported when it is read. */
  readEvery?: number;
  /** 'dynamic': loss scaling as f16-tc matmuls need it (train/loss-scale.ts); 'off' (default): fp32 steps as they are. */
  lossScaling?: LossScalingMode;
  /** The dynamic scaler's settings (default GradScaler's). */
  lossScale?: Partial<LossScaleSettings>;
}

export class FineTuneCancelled extends Error {
  constructor(step: number) {
    super(`fine-tuning cancelled at step ${step}`);
    this.name = 'FineTuneCancelled';
  }
}

interface Encoded { ids: number[]; mask: number[]; types: number[]; label: number }

// Variable names are process-global in tfjs: a per-call prefix lets sweeps and several models coexist.
let nextRunId = 0;

export function checkHyperParams(hp: FineTuneHyperParams): void {
  const pos = (k: keyof FineTuneHyperParams, integer: boolean) => {
    const v = hp[k] as number;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
      throw new Error(`fine-tune ${k} must be a positive ${integer ? 'integer' : 'number'}, got ${v}`);
    }
  };
  pos('lr', false); pos('epochs', true); pos('batchSize', true); pos('maxLength', true);
  if (!(hp.warmupRatio >= 0 && hp.warmupRatio < 1)) throw new Error(`fine-tune warmupRatio must be in [0, 1), got ${hp.warmupRatio}`);
  if (!(hp.weightDecay >= 0)) throw new Error(`fine-tune weightDecay must be >= 0, got ${hp.weightDecay}`);
  if (hp.dropout !== undefined && !(hp.dropout >= 0 && hp.dropout < 1)) throw new Error(`fine-tune dropout must be in [0, 1), got ${hp.dropout}`);
  if (!Number.isInteger(hp.seed)) throw new Error(`fine-tune seed must be an integer, got ${hp.seed}`);
}

function encodeAll(tokenizer: GlueTokenizer, rows: GlueExample[], maxLength: number): Encoded[] {
  return rows.map((r) => {
    const e = tokenizer.encode(r.textA, r.textB, { maxLength, truncation: 'longest_first', padding: false });
    return { ids: e.inputIds, mask: e.attentionMask, types: e.tokenTypeIds, label: r.label };
  });
}

/**
 * Pads a batch to the smallest length bucket that holds its longest row, and to `batchRows` rows when
 * given (padding rows are all mask-0 but their [CLS]; callers drop their outputs).
 */
function batchTensors(rows: Encoded[], buckets: number[], batchRows = rows.length) {
  const len = bucketFor(Math.max(...rows.map((r) => r.ids.length)), buckets);
  const ids = new Int32Array(batchRows * len), mask = new Int32Array(batchRows * len), types = new Int32Array(batchRows * len);
  rows.forEach((r, b) => {
    ids.set(r.ids, b * len); mask.set(r.mask, b * len); types.set(r.types, b * len);
  });
  for (let b = rows.length; b < batchRows; b++) { ids[b * len] = rows[0].ids[0]; mask[b * len] = 1; }
  return {
    inputIds: tf.tensor2d(ids, [batchRows, len], 'int32'),
    attentionMask: tf.tensor2d(mask, [batchRows, len], 'int32'),
    tokenTypeIds: tf.tensor2d(types, [batchRows, len], 'int32'),
  };
}

/** Distinct [rows, length] shapes a run's batches had: the figure that decides GPU shader/kernel churn. */
export type ShapeLog = Set<string>;

/**
 * The model's encoder + pooler, plus a freshly initialised classifier (and pooler, if the checkpoint has none), for
 * any family: which tensors are the base model and which the pooler, the family says (model-family/).
 */
export function classifierWeights(model: FamilyModel, task: GlueTaskName, seed: number, pooler: 'checkpoint' | 'fresh' = 'checkpoint',
  classifier: 'fresh' | 'checkpoint' = 'fresh'): { family: ModelFamily; config: FamilyConfig; initial: BertWeights } {
  const ops = familyOps(model.family);
  const spec = GLUE_TASKS[task];
  const regression = spec.labels === null;
  const numLabels = regression ? 1 : spec.labels!.length;
  const config = { ...model.config, numLabels, problemType: regression ? 'regression' : 'single_label_classification' } as FamilyConfig;
  const H = config.hiddenSize;
  const initial: BertWeights = {};
  for (const [name, t] of Object.entries(model.weights)) {
    // MLM head and any old classifier are not part of a sequence classifier.
    if (ops.isBaseWeight(name) || (pooler === 'checkpoint' && ops.isPoolerWeight(name))) initial[name] = t;
  }
  const rand = (shape: number[], k: number) => tf.randomNormal(shape, 0, 0.02, 'float32', seed * 7919 + k);
  for (const [name, shape] of Object.entries(ops.poolerShapes(config))) {
    if (!initial[name]) initial[name] = shape.length === 1 ? tf.zeros(shape) : rand(shape, 1);
  }
  if (classifier === 'checkpoint') {
    const w = model.weights['classifier.weight'], b = model.weights['classifier.bias'];
    if (!w || !b) throw new Error('fine-tune classifier "checkpoint": the model has no classifier.weight / classifier.bias (use "fresh")');
    if (w.shape.join() !== `${numLabels},${H}` || b.shape.join() !== `${numLabels}`) {
      throw new Error(`fine-tune classifier "checkpoint": the model's classifier is [${w.shape}] + [${b.shape}], ${task} needs [${numLabels},${H}] + [${numLabels}]`);
    }
    initial['classifier.weight'] = w;
    initial['classifier.bias'] = b;
  } else {
    initial['classifier.weight'] = rand([numLabels, H], 2);
    initial['classifier.bias'] = tf.zeros([numLabels]);
  }
  return { family: ops.family, config, initial };
}

type BatchTensors = ReturnType<typeof batchTensors>;

/** Eval config of a classifier: the family travels with the config so one argument describes the model. */
export interface ClassifierSpec { family?: ModelFamily; config: FamilyConfig }

function logitsOf(w: BertWeights, spec: ClassifierSpec, batch: BatchTensors, dropout?: { hidden: number; attention: number; seed: DropoutSeed }): tf.Tensor2D {
  const ops = familyOps(spec.family);
  const { lastHiddenState } = ops.encode(w, spec.config, batch, dropout ? { dropout } : {});
  let pooled = ops.pooled(w, spec.config, lastHiddenState);
  if (dropout) pooled = maybeDropout(pooled, dropout.hidden, seedPlus(dropout.seed, 1)) as tf.Tensor2D;
  return ops.classify(w, spec.config, pooled);
}

/**
 * Predictions (class index, or the score for regression) for encoded rows, in eval mode. Rows are
 * grouped by length bucket and every batch is padded to `batchSize` rows, so evaluation has one shape
 * per bucket; all predictions are read back once at the end.
 */
/** The eval-mode forward as a capturable step: a batch in, predictions out (one template per bucket shape). */
export function predictionStep(w: BertWeights, cfg: ClassifierSpec): CapturedStep {
  return new CapturedStep('evaluate', (inp) => {
    const logits = logitsOf(w, cfg, inp as BatchTensors);
    return { pred: cfg.config.problemType === 'regression' ? logits.reshape([-1]) : logits.argMax(1) };
  });
}

async function predict(w: BertWeights, cfg: ClassifierSpec, rows: Encoded[], batchSize: number, buckets: number[], shapes?: ShapeLog, step?: CapturedStep): Promise<number[]> {
  const order = rows.map((r, i) => ({ i, len: bucketFor(r.ids.length, buckets) })).sort((a, b) => a.len - b.len || a.i - b.i);
  const parts: { idx: number[]; pred: tf.Tensor }[] = [];
  const rowsPadded = Math.min(batchSize, rows.length);
  try {
    for (let start = 0; start < order.length;) {
      const len = order[start].len;
      let end = start;
      while (end < order.length && end - start < batchSize && order[end].len === len) end++;
      const idx = order.slice(start, end).map((o) => o.i);
      const batch = batchTensors(idx.map((i) => rows[i]), buckets, rowsPadded);
      shapes?.add(`eval ${batch.inputIds.shape.join('x')}`);
      let pred: tf.Tensor;
      try {
        pred = step ? step.run(batch).pred : tf.tidy(() => {
          const logits = logitsOf(w, cfg, batch);
          return cfg.config.problemType === 'regression' ? logits.reshape([-1]) : logits.argMax(1);
        });
      } finally {
        tf.dispose(Object.values(batch));
      }
      parts.push({ idx, pred });
      start = end;
    }
    const out = new Array<number>(rows.length);
    const all = tf.tidy(() => tf.concat(parts.map((p) => p.pred.slice(0, p.idx.length).toFloat())));
    const data = await all.data();
    all.dispose();
    let k = 0;
    for (const p of parts) for (const i of p.idx) out[i] = data[k++];
    return out;
  } finally {
    for (const p of parts) p.pred.dispose();
  }
}

/** Dev scores; `step` (predictionStep of the same weights) replays the forward where it can. */
export async function evaluateDev(w: BertWeights, cfg: ClassifierSpec, dev: { split: string; rows: Encoded[] }[], batchSize: number,
  buckets = lengthBuckets(cfg.config.maxPositionEmbeddings), shapes?: ShapeLog, step?: CapturedStep): Promise<DevResult> {
  const metrics: Record<string, Record<string, number>> = {};
  const scores: number[] = [];
  for (const d of dev) {
    const preds = await predict(w, cfg, d.rows, batchSize, buckets, shapes, step);
    const m = glueMetrics(d.split, preds, d.rows.map((r) => r.label)) as Record<string, number>;
    metrics[d.split] = m;
    scores.push(glueTaskScore(d.split, m)!);
  }
  return { metrics, score: scores.reduce((a, b) => a + b, 0) / scores.length };
}

export async function fineTune(args: FineTuneArgs): Promise<FineTuneResult> {
  const { task, hp, tokenizer } = args;
  if (!GLUE_TASKS[task]) throw new Error(`fineTune: unknown GLUE task "${task}"`);
  checkHyperParams(hp);
  if (!args.trainRows.length) throw new Error(`fineTune: ${task} has no training rows`);
  if (!args.devSplits.length || args.devSplits.some((d) => !d.examples.length)) throw new Error(`fineTune: ${task} needs non-empty dev split(s)`);
  if (hp.maxLength > args.model.config.maxPositionEmbeddings) {
    throw new Error(`fineTune: maxLength ${hp.maxLength} exceeds the model's maxPositionEmbeddings (${args.model.config.maxPositionEmbeddings})`);
  }
  const regression = GLUE_TASKS[task].labels === null;
  const train = encodeAll(tokenizer, args.trainRows, hp.maxLength);
  const dev = args.devSplits.map((d) => ({ split: d.split, rows: encodeAll(tokenizer, d.examples, hp.maxLength) }));

  const { family, config, initial } = classifierWeights(args.model, task, hp.seed, hp.pooler ?? 'checkpoint', hp.classifier ?? 'fresh');
  const spec: ClassifierSpec = { family, config };
  const buckets = lengthBuckets(hp.maxLength);
  const shapes: ShapeLog = new Set();
  const prefix = `finetune${nextRunId++}/`;
  const variables: Record<string, tf.Variable> = {};
  // Variables copy the inherited weights, so the caller's model is never changed.
  for (const [name, t] of Object.entries(initial)) variables[name] = tf.variable(t, true, prefix + name);
  for (const [name, t] of Object.entries(initial)) if (args.model.weights[name] !== t) t.dispose();
  const weights: BertWeights = variables;
  const varList = Object.values(variables);
  const optimizer = new AdamW(varList, { weightDecay: hp.weightDecay });
  const scaler = lossScaler(args.lossScaling ?? 'off', optimizer, args.lossScale);

  const stepsPerEpoch = Math.ceil(train.length / hp.batchSize);
  const totalSteps = stepsPerEpoch * hp.epochs;
  const warmupSteps = Math.round(hp.warmupRatio * totalSteps);
  const rng = new Rng(hp.seed);
  const ctx: { step: number; adam: AdamWStepValues } = { step: 0, adam: { lr: 0, bc1: 1, bc2: 1 } };
  const clipNorm = hp.clipNorm ?? 1.0;
  // one training step as a capturable function: batch, labels, step index (dropout) and Adam's values as inputs
  const trainStep = new CapturedStep('finetune', (inp) => {
    const batch = inp as BatchTensors;
    const labels = regression ? inp.labels : tf.oneHot(inp.labels as tf.Tensor1D, config.numLabels!);
    const dropout = hp.dropout ? { hidden: hp.dropout, attention: hp.dropout, seed: stepSeed(hp.seed * 1_000_003, ctx.step, inp.stepWords) } : undefined;
    const { value, grads } = scaler.gradients(() => {
      const logits = logitsOf(weights, spec, batch, dropout);
      return (regression ? tf.losses.meanSquaredError(labels, logits.reshape([-1])) : tf.losses.softmaxCrossEntropy(labels, logits)) as tf.Scalar;
    }, varList);
    const skip = scaler.overflow(grads);
    const clipped = clipByGlobalNormTensor(grads, clipNorm);
    const { stepValues, readouts } = scaler.advance(inp.adamStep, skip);
    optimizer.applyStep(clipped.grads, ctx.adam, stepValues, skip !== null);
    // [loss, gradient norm] and, with loss scaling, [skip, scale]
    const values = tf.stack([value, clipped.norm]);
    return { values: readouts.length ? tf.concat([values, ...readouts]) : values };
  });
  const evalStep = predictionStep(weights, spec);
  const epochs: FineTuneEpoch[] = [];
  let best: FineTuneEpoch | null = null;
  let bestWeights: BertWeights | undefined;
  let step = 0;
  let capture: FineTuneResult['capture'] | undefined;
  // [loss, gradient norm] of each step, read a few steps behind; a non-finite norm stops the run there.
  const reads = new LaggedReads<{ step: number; epoch: number; lr: number }>(args.readEvery ?? 16);
  let lossSum = 0;
  let skippedSteps = 0, skippedInARow = 0, lastScale: number | null = null;
  const seconds = { train: 0, evaluate: 0 };
  let trainFrom = performance.now();
  const report = (due: Awaited<ReturnType<typeof reads.flush>>, dev?: { step: number; result: DevResult }) => {
    for (const { values: [loss, norm, skipped, scale], tag } of due) {
      if (scaler.mode === 'dynamic') {
        lastScale = scale;
        skippedSteps += skipped ? 1 : 0;
        skippedInARow = skipped ? skippedInARow + 1 : 0;
        if (skippedInARow >= MAX_SKIPPED_IN_A_ROW) {
          throw new Error(`fine-tune ${task}: loss scaling skipped ${skippedInARow} steps in a row up to step ${tag.step} (inf/NaN gradients at every scale down to ${scale}): ` +
            'the loss diverged (try a lower learning rate, or precision fp32)');
        }
        // a skipped step (its gradients overflowed) changed nothing: not a divergence; its loss counts where finite
        if (skipped) {
          if (Number.isFinite(loss)) lossSum += loss;
          args.onProgress?.({ step: tag.step, totalSteps, epoch: tag.epoch, loss, lr: tag.lr, gradNorm: norm, dev: dev?.step === tag.step ? dev.result : undefined, lossScale: scale, skipped: true });
          continue;
        }
      }
      if (!Number.isFinite(norm) || !Number.isFinite(loss)) {
        throw new Error(`fine-tune ${task}: ${Number.isFinite(loss) ? `gradient norm is ${norm}` : `loss is ${loss}`} at step ${tag.step}: the loss diverged (try a lower learning rate)`);
      }
      lossSum += loss;
      args.onProgress?.({
        step: tag.step, totalSteps, epoch: tag.epoch, loss, lr: tag.lr, gradNorm: norm, dev: dev?.step === tag.step ? dev.result : undefined,
        ...(scaler.mode === 'dynamic' ? { lossScale: scale } : {}),
      });
    }
  };
  try {
    for (let epoch = 1; epoch <= hp.epochs; epoch++) {
      // Fisher-Yates with the seeded PRNG: the same seed gives the same batches.
      const order = Array.from({ length: train.length }, (_, i) => i);
      for (let i = order.length - 1; i > 0; i--) { const j = rng.nextInt(i + 1); [order[i], order[j]] = [order[j], order[i]]; }
      lossSum = 0;
      for (let s = 0; s < stepsPerEpoch; s++) {
        if (args.signal?.aborted) throw new FineTuneCancelled(step);
        const rows = order.slice(s * hp.batchSize, (s + 1) * hp.batchSize).map((i) => train[i]);
        const lr = learningRateAt(step, hp.lr, warmupSteps, totalSteps);
        ctx.step = step;
        ctx.adam = scaler.nextStep(optimizer, lr);
        const inputs = {
          ...batchTensors(rows, buckets),
          labels: tf.tensor1d(rows.map((r) => r.label), regression ? 'float32' : 'int32'),
          stepWords: stepWordsTensor(step), adamStep: stepValuesTensor(ctx.adam),
        };
        shapes.add(`train ${inputs.inputIds.shape.join('x')}`);
        let values: tf.Tensor1D;
        try {
          values = trainStep.run(inputs).values as tf.Tensor1D;
        } finally {
          tf.dispose(Object.values(inputs));
        }
        step++;
        const last = s === stepsPerEpoch - 1;
        if (!last) {
          report(await reads.push(values, { step, epoch, lr }));
          // let pending I/O (a cancel from the runner) run between steps
          if (step % 8 === 0) await new Promise((resolve) => setImmediate(resolve));
          continue;
        }
        const due = [...(await reads.push(values, { step, epoch, lr })), ...(await reads.flush())];
        const evalFrom = performance.now();
        seconds.train += (evalFrom - trainFrom) / 1000;
        const devResult = await evaluateDev(weights, spec, dev, args.evalBatchSize ?? 64, buckets, shapes, evalStep);
        trainFrom = performance.now();
        seconds.evaluate += (trainFrom - evalFrom) / 1000;
        report(due, { step, result: devResult });
        const record: FineTuneEpoch = { epoch, trainLoss: lossSum / stepsPerEpoch, ...devResult };
        epochs.push(record);
        if (!best || record.score > best.score) {
          best = record;
          if (args.keepBestWeights) {
            if (bestWeights) for (const t of Object.values(bestWeights)) t.dispose();
            bestWeights = Object.fromEntries(Object.entries(variables).map(([n, v]) => [n, ownedCopy(v)]));
          }
        }
      }
    }
  } catch (err) {
    reads.dispose();
    if (bestWeights) for (const t of Object.values(bestWeights)) t.dispose();
    throw err;
  } finally {
    capture = { train: trainStep.status(), evaluate: evalStep.status() };
    trainStep.dispose();
    evalStep.dispose();
    optimizer.dispose();
    scaler.dispose();
    for (const v of varList) v.dispose();
  }
  return {
    task, hp, epochs, best: best!, steps: step, config, family, bestWeights, shapes: [...shapes].sort(), capture: capture!, seconds,
    lossScaling: { mode: scaler.mode, scale: lastScale, skippedSteps },
  };
}
