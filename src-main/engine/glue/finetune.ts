// Fine-tunes a BERT (teacher or student) on one GLUE task and scores it on the task's dev split(s)
// after every epoch, as BERT's run_glue recipe does: a fresh classification head on the pooled [CLS]
// output (STS-B: one regression output with MSE), AdamW with linear warm-up then linear decay,
// gradient clipping at 1.0, optional dropout. Every step runs inside tf.tidy.
import * as tf from '@tensorflow/tfjs';
import { bertForward, classifierHead, poolerOutput, type BertConfig, type BertWeights } from '../bert/index.js';
import { AdamW } from '../train/adamw.js';
import { clipByGlobalNorm } from '../train/clip.js';
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
  /** Present on the last step of an epoch: that epoch's dev figures. */
  dev?: DevResult;
}

export interface FineTuneResult {
  task: GlueTaskName;
  hp: FineTuneHyperParams;
  epochs: FineTuneEpoch[];
  best: FineTuneEpoch;
  steps: number;
  /** Config of the fine-tuned classifier (numLabels / problemType set). */
  config: BertConfig;
  /** Weights at the best epoch (BertForSequenceClassification names); only with keepBestWeights. Caller disposes. */
  bestWeights?: BertWeights;
}

export interface FineTuneArgs {
  model: { config: BertConfig; weights: BertWeights };
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

/** Pads a batch to its longest row (cheaper than padding everything to maxLength). */
function batchTensors(rows: Encoded[]) {
  const len = Math.max(...rows.map((r) => r.ids.length));
  const ids = new Int32Array(rows.length * len), mask = new Int32Array(rows.length * len), types = new Int32Array(rows.length * len);
  rows.forEach((r, b) => {
    ids.set(r.ids, b * len); mask.set(r.mask, b * len); types.set(r.types, b * len);
  });
  return {
    inputIds: tf.tensor2d(ids, [rows.length, len], 'int32'),
    attentionMask: tf.tensor2d(mask, [rows.length, len], 'int32'),
    tokenTypeIds: tf.tensor2d(types, [rows.length, len], 'int32'),
  };
}

/** The model's encoder + pooler, plus a freshly initialised classifier (and pooler, if the checkpoint has none). */
export function classifierWeights(model: { config: BertConfig; weights: BertWeights }, task: GlueTaskName, seed: number): { config: BertConfig; initial: BertWeights } {
  const spec = GLUE_TASKS[task];
  const regression = spec.labels === null;
  const numLabels = regression ? 1 : spec.labels!.length;
  const config: BertConfig = { ...model.config, numLabels, problemType: regression ? 'regression' : 'single_label_classification' };
  const H = config.hiddenSize;
  const initial: BertWeights = {};
  for (const [name, t] of Object.entries(model.weights)) {
    // MLM head and any old classifier are not part of a sequence classifier.
    if (name.startsWith('bert.')) initial[name] = t;
  }
  const rand = (shape: number[], k: number) => tf.randomNormal(shape, 0, 0.02, 'float32', seed * 7919 + k);
  if (!initial['bert.pooler.dense.weight']) {
    initial['bert.pooler.dense.weight'] = rand([H, H], 1);
    initial['bert.pooler.dense.bias'] = tf.zeros([H]);
  }
  initial['classifier.weight'] = rand([numLabels, H], 2);
  initial['classifier.bias'] = tf.zeros([numLabels]);
  return { config, initial };
}

function logitsOf(w: BertWeights, cfg: BertConfig, batch: ReturnType<typeof batchTensors>, dropout?: { hidden: number; attention: number; seed: number }): tf.Tensor2D {
  const { lastHiddenState } = bertForward(w, cfg, batch, dropout ? { dropout } : {});
  let pooled = poolerOutput(w, cfg, lastHiddenState);
  if (dropout) pooled = tf.dropout(pooled, dropout.hidden, undefined, dropout.seed + 1) as tf.Tensor2D;
  return classifierHead(w, cfg, pooled);
}

/** Predictions (class index, or the score for regression) for encoded rows, in eval mode. */
async function predict(w: BertWeights, cfg: BertConfig, rows: Encoded[], batchSize: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < rows.length; i += batchSize) {
    const chunk = rows.slice(i, i + batchSize);
    const pred = tf.tidy(() => {
      const logits = logitsOf(w, cfg, batchTensors(chunk));
      return cfg.problemType === 'regression' ? logits.reshape([-1]) : logits.argMax(1);
    });
    out.push(...(await pred.data()));
    pred.dispose();
  }
  return out;
}

export async function evaluateDev(w: BertWeights, cfg: BertConfig, dev: { split: string; rows: Encoded[] }[], batchSize: number): Promise<DevResult> {
  const metrics: Record<string, Record<string, number>> = {};
  const scores: number[] = [];
  for (const d of dev) {
    const preds = await predict(w, cfg, d.rows, batchSize);
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

  const { config, initial } = classifierWeights(args.model, task, hp.seed);
  const prefix = `finetune${nextRunId++}/`;
  const variables: Record<string, tf.Variable> = {};
  // Variables copy the inherited weights, so the caller's model is never changed.
  for (const [name, t] of Object.entries(initial)) variables[name] = tf.variable(t, true, prefix + name);
  for (const [name, t] of Object.entries(initial)) if (args.model.weights[name] !== t) t.dispose();
  const weights: BertWeights = variables;
  const varList = Object.values(variables);
  const optimizer = new AdamW(varList, { weightDecay: hp.weightDecay });

  const stepsPerEpoch = Math.ceil(train.length / hp.batchSize);
  const totalSteps = stepsPerEpoch * hp.epochs;
  const warmupSteps = Math.round(hp.warmupRatio * totalSteps);
  const rng = new Rng(hp.seed);
  const epochs: FineTuneEpoch[] = [];
  let best: FineTuneEpoch | null = null;
  let bestWeights: BertWeights | undefined;
  let step = 0;
  try {
    for (let epoch = 1; epoch <= hp.epochs; epoch++) {
      // Fisher-Yates with the seeded PRNG: the same seed gives the same batches.
      const order = Array.from({ length: train.length }, (_, i) => i);
      for (let i = order.length - 1; i > 0; i--) { const j = rng.nextInt(i + 1); [order[i], order[j]] = [order[j], order[i]]; }
      let lossSum = 0;
      for (let s = 0; s < stepsPerEpoch; s++) {
        if (args.signal?.aborted) throw new FineTuneCancelled(step);
        const rows = order.slice(s * hp.batchSize, (s + 1) * hp.batchSize).map((i) => train[i]);
        const lr = learningRateAt(step, hp.lr, warmupSteps, totalSteps);
        const dropout = hp.dropout ? { hidden: hp.dropout, attention: hp.dropout, seed: hp.seed * 1_000_003 + step } : undefined;
        const lossT = tf.tidy(() => {
          const batch = batchTensors(rows);
          const labels = regression ? tf.tensor1d(rows.map((r) => r.label), 'float32') : tf.oneHot(tf.tensor1d(rows.map((r) => r.label), 'int32'), config.numLabels!);
          const { value, grads } = tf.variableGrads(() => {
            const logits = logitsOf(weights, config, batch, dropout);
            return (regression ? tf.losses.meanSquaredError(labels, logits.reshape([-1])) : tf.losses.softmaxCrossEntropy(labels, logits)) as tf.Scalar;
          }, varList);
          const clipped = clipByGlobalNorm(grads, hp.clipNorm ?? 1.0);
          optimizer.applyGradients(clipped.grads, lr);
          return value;
        });
        const loss = (await lossT.data())[0];
        lossT.dispose();
        lossSum += loss;
        step++;
        const last = s === stepsPerEpoch - 1;
        let devResult: DevResult | undefined;
        if (last) {
          devResult = await evaluateDev(weights, config, dev, args.evalBatchSize ?? 64);
          const record: FineTuneEpoch = { epoch, trainLoss: lossSum / stepsPerEpoch, ...devResult };
          epochs.push(record);
          if (!best || record.score > best.score) {
            best = record;
            if (args.keepBestWeights) {
              if (bestWeights) for (const t of Object.values(bestWeights)) t.dispose();
              bestWeights = Object.fromEntries(Object.entries(variables).map(([n, v]) => [n, v.clone()]));
            }
          }
        }
        args.onProgress?.({ step, totalSteps, epoch, loss, lr, dev: devResult });
      }
    }
  } catch (err) {
    if (bestWeights) for (const t of Object.values(bestWeights)) t.dispose();
    throw err;
  } finally {
    optimizer.dispose();
    for (const v of varList) v.dispose();
  }
  return { task, hp, epochs, best: best!, steps: step, config, bestWeights };
}
