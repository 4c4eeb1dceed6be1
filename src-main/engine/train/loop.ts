// The distillation loop shared by WID, DistilBERT and TinyBERT: corpus -> packed MLM batches ->
// method.loss -> gradients -> global-norm clip -> AdamW with warm-up/linear decay. Checkpoints every
// N steps and when stopped (signal), so pause/cancel followed by resume continues exactly where it
// stopped: same next batches, same masks, same optimiser state.
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import type { RunProgress } from '../../shared/api/types.js';
import { AdamW, stepValuesTensor } from './adamw.js';
import { distillationStep, type StepContext } from './distillation-step.js';
import { CapturedStep, type CaptureStatus } from '../capture/captured-step.js';
import { stepWordsTensor } from '../kernels/dropout-mask.js';
import { LaggedReads } from './lagged-reads.js';
import { lossScaler, MAX_SKIPPED_IN_A_ROW, type LossScaleSettings, type LossScalingMode } from './loss-scale.js';
import { MlmBatcher, makeMlmBatch, disposeMlmBatch, validateBatchShape, type BatcherState, type CorpusTokenizer } from './batcher.js';
import { LineCorpus } from './corpus.js';
import { corpusHasDocuments, SentenceOrderBatcher } from './sentence-order.js';
import { learningRateAt } from './lr-schedule.js';
import type { DistillMethod } from './method.js';
import { Rng } from './rng.js';
import { smoothedTokenWeights, type MaskingKind } from './masking.js';
import { corpusTokenCounts } from './token-counts.js';
import { listCheckpoints, readLatestCheckpoint, tensorGroup, writeCheckpoint } from './train-state.js';

export interface DistillationBudget {
  steps: number;
  seqLen: number;
  batchSize?: number;
  batchTokens?: number;
  /** Masked-LM probability (default 0.15). */
  maskProb?: number;
  /** 'bernoulli' (default, BERT) or 'smoothed' (DistilBERT: exactly maskProb of the tokens, p ∝ count^-0.7, counts from the corpus). */
  masking?: MaskingKind;
  /** 'longest' (default): pad each batch to its longest row; 'seqLen': always to seqLen (one shape for every step). */
  padTo?: 'longest' | 'seqLen';
}

export interface OptimizerSettings {
  lr: number;
  warmupSteps: number;
  weightDecay: number;
  /** Max global gradient norm; 0 disables clipping. */
  clipNorm: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Adam bias correction (default true); WID's authors run without it (train/adamw.ts). */
  correctBias?: boolean;
}

export interface DistillationOptions {
  method: DistillMethod;
  tokenizer: CorpusTokenizer;
  corpusPath: string;
  budget: DistillationBudget;
  optimizer: OptimizerSettings;
  /** Seeds masking; with the same seed, backend and config a run repeats exactly. */
  seed: number;
  /** Save a checkpoint every N completed steps (0: none by steps; one is always saved when stopped and at the end). */
  checkpointEvery: number;
  /**
   * Also save one once this many seconds of the run (steps, data, evaluation) have passed since the last (0 or
   * absent: none by time). A checkpoint of a large model takes seconds (WID's: the teacher, its compactors and
   * their moments), so long runs bound the work a crash loses by time rather than by steps.
   */
  checkpointSeconds?: number;
  /** Checkpoints go to <workDir>/checkpoints. */
  workDir: string;
  /** Continue from the newest checkpoint in workDir (starts fresh when there is none). */
  resume?: boolean;
  /** Abort = stop after the current step, checkpoint, return with stopped: true. */
  signal?: AbortSignal;
  onProgress?: (p: RunProgress) => void;
  /** Values of steps that were not reported through onProgress (when progressEvery > 1). */
  onMetric?: (step: number, name: string, value: number) => void;
  onLog?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Report progress every N steps (default 1). */
  progressEvery?: number;
  /** Checkpoints kept on disk (default 2). */
  keepCheckpoints?: number;
  /** Read losses this many steps behind (default: 8 on webgpu, where a read stalls the queue; 1 elsewhere). */
  readEvery?: number;
  /**
   * Called after each completed step (`completedSteps` = 1-based count), outside the step's timing; returned numbers are
   * reported with that step's values (e.g. the student's held-out MLM loss every N steps, jobs/distill.ts).
   */
  evaluate?: (completedSteps: number, totalSteps: number) => Promise<Record<string, number> | void>;
  /**
   * 'dynamic': the loss is scaled before the backward pass and a step whose gradients overflow is skipped
   * (train/loss-scale.ts, GradScaler's algorithm; what f16-tc matmuls need); 'off' (default): fp32 steps as they are.
   */
  lossScaling?: LossScalingMode;
  /** The dynamic scaler's settings (default GradScaler's: init 2^16, growth 2, backoff 0.5, interval 2000). */
  lossScale?: Partial<LossScaleSettings>;
}

/** How loss scaling went: the scale after the last step and the steps skipped because their gradients overflowed. */
export interface LossScalingSummary { mode: LossScalingMode; scale: number | null; skippedSteps: number }

export interface DistillationSummary {
  /** Completed optimiser steps (== totalSteps unless stopped). */
  steps: number;
  totalSteps: number;
  stopped: boolean;
  resumedFromStep: number | null;
  firstLoss: number | null;
  finalLoss: number | null;
  tokensSeen: number;
  /** Tokens per second of wall time spent in steps of this session. */
  tokensPerSec: number;
  elapsedSeconds: number;
  checkpointPath: string | null;
  /** How the steps ran: replayed from a captured step, or eagerly and why (capture/captured-step.ts). */
  capture: CaptureStatus;
  lossScaling: LossScalingSummary;
}

/** JSON part of a loop checkpoint. */
interface LoopMeta {
  method: string;
  totalSteps: number;
  /** Adam's applied updates (with loss scaling: the steps not skipped). */
  adamStep: number;
  rng: number;
  batcher: BatcherState;
  methodJson: unknown;
  firstLoss: number | null;
  lastLoss: number | null;
  tokensSeen: number;
  elapsedSeconds: number;
}

function validate(o: DistillationOptions): void {
  const { steps } = o.budget;
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`budget.steps must be an integer >= 1, got ${steps}`);
  validateBatchShape(o.budget);
  if (o.budget.padTo !== undefined && o.budget.padTo !== 'longest' && o.budget.padTo !== 'seqLen') {
    throw new Error(`budget.padTo must be "longest" or "seqLen", got ${JSON.stringify(o.budget.padTo)}`);
  }
  const { lr, warmupSteps, weightDecay, clipNorm } = o.optimizer;
  if (!(lr > 0)) throw new Error(`optimizer.lr must be > 0, got ${lr}`);
  if (!Number.isInteger(warmupSteps) || warmupSteps < 0) throw new Error(`optimizer.warmupSteps must be an integer >= 0, got ${warmupSteps}`);
  if (!(weightDecay >= 0)) throw new Error(`optimizer.weightDecay must be >= 0, got ${weightDecay}`);
  if (!(clipNorm >= 0)) throw new Error(`optimizer.clipNorm must be >= 0 (0 = off), got ${clipNorm}`);
  if (!Number.isInteger(o.checkpointEvery) || o.checkpointEvery < 0) throw new Error(`checkpointEvery must be an integer >= 0, got ${o.checkpointEvery}`);
  if (o.checkpointSeconds !== undefined && !(o.checkpointSeconds >= 0)) throw new Error(`checkpointSeconds must be >= 0 (0 = none by time), got ${o.checkpointSeconds}`);
  if (!Number.isInteger(o.seed)) throw new Error(`seed must be an integer, got ${o.seed}`);
}

/** Whether this run's batches are sentence-order pairs: the method asks for them and the corpus has documents. */
async function sentenceOrderPairs(method: DistillMethod, corpusPath: string, log: (level: 'info', message: string) => void): Promise<boolean> {
  if (!method.sentenceOrder) return false;
  const on = await corpusHasDocuments(corpusPath);
  if (!on && method.sentenceOrder === 'required') {
    throw new Error(`${method.name}: sentence-order prediction needs documents separated by blank lines (or one document per file); ` +
      `${corpusPath} has none`);
  }
  method.useSentenceOrder?.(on);
  log('info', on ? 'sentence-order prediction: rows are segment pairs of one document, swapped with p = 0.5'
    : `sentence-order prediction off: ${corpusPath} has no document boundaries (blank lines)`);
  return on;
}

export async function runDistillation(o: DistillationOptions): Promise<DistillationSummary> {
  validate(o);
  const { method, tokenizer, budget } = o;
  const totalSteps = budget.steps;
  const ckptDir = join(o.workDir, 'checkpoints');
  const log = o.onLog ?? (() => {});
  const pairs = await sentenceOrderPairs(method, o.corpusPath, log);
  const vars = method.trainableVariables();
  if (!vars.length) throw new Error(`method ${method.name} has no trainable variables`);
  const learningRateOf = method.learningRateOf?.bind(method);
  const ctx: StepContext = { step: 0, totalSteps, adam: { lr: 0, bc1: 1, bc2: 1 } };
  const optimizer = new AdamW(vars, {
    weightDecay: o.optimizer.weightDecay, beta1: o.optimizer.beta1, beta2: o.optimizer.beta2, epsilon: o.optimizer.epsilon,
    correctBias: o.optimizer.correctBias,
    lrScale: (name) => (learningRateOf ? learningRateOf(name, o.optimizer.lr) / o.optimizer.lr : 1) * (method.learningRateScale?.(name, ctx.step, totalSteps) ?? 1),
  });
  const scaler = lossScaler(o.lossScaling ?? 'off', optimizer, o.lossScale);
  const rng = new Rng(o.seed);
  const partNamesByKey = new Map<string, string[]>();
  let stepKey = '';
  const captured = new CapturedStep('distillation', distillationStep(method, vars, optimizer, o.optimizer.clipNorm, ctx, (n) => partNamesByKey.set(stepKey, n), scaler));
  const reads = new LaggedReads<{ step: number; lr: number; tokens: number; parts: string[]; extra: Record<string, number> }>(
    o.readEvery ?? (tf.getBackend() === 'webgpu' ? 8 : 1));
  let startStep = 0;
  let resumedFromStep: number | null = null;
  let batcherState: BatcherState | undefined;
  let firstLoss: number | null = null, lastLoss: number | null = null;
  let tokensSeen = 0, elapsedBefore = 0;
  // loss scaling: steps skipped (all, and in a row), the scale after the last step read
  let skippedSteps = 0, skippedInARow = 0, lastScale: number | null = null;

  if (!o.resume && listCheckpoints(ckptDir).length) {
    optimizer.dispose();
    scaler.dispose();
    captured.dispose();
    throw new Error(`${ckptDir} already holds checkpoints of an earlier run; resume it, or use an empty workDir`);
  }
  if (o.resume) {
    const ckpt = readLatestCheckpoint<LoopMeta>(ckptDir);
    if (!ckpt) log('info', `no checkpoint in ${ckptDir}: starting from step 0`);
    else {
      try {
        const m = ckpt.meta;
        if (m.method !== method.name) throw new Error(`checkpoint in ${ckptDir} is from method ${m.method}, not ${method.name}`);
        method.loadState({ tensors: tensorGroup(ckpt.tensors, 'method'), json: m.methodJson });
        const params = tensorGroup(ckpt.tensors, 'param');
        for (const v of vars) {
          const t = params[v.name];
          if (!t || t.shape.join() !== v.shape.join()) {
            throw new Error(`checkpoint in ${ckptDir}: parameter "${v.name}" is ${t ? `shaped [${t.shape}], expected [${v.shape}]` : 'missing'}`);
          }
          v.assign(t);
        }
        optimizer.setState({ step: m.adamStep, m: tensorGroup(ckpt.tensors, 'adam.m'), v: tensorGroup(ckpt.tensors, 'adam.v') });
        // a checkpoint without the scaler's state (written with scaling off) starts the scale afresh
        scaler.setState(tensorGroup(ckpt.tensors, 'lossScale'), m.adamStep);
        skippedSteps = (await scaler.read())?.skippedSteps ?? 0;
        rng.setState(m.rng);
        batcherState = m.batcher;
        ({ firstLoss, lastLoss, tokensSeen } = m);
        elapsedBefore = m.elapsedSeconds;
        startStep = resumedFromStep = ckpt.step;
        if (m.totalSteps !== totalSteps) log('warn', `resuming a ${m.totalSteps}-step run with steps = ${totalSteps}: the learning-rate schedule changes from here`);
        log('info', `resumed from step ${ckpt.step} (${ckptDir})`);
      } catch (err) {
        optimizer.dispose();
        scaler.dispose();
        captured.dispose();
        throw err;
      } finally {
        tf.dispose(Object.values(ckpt.tensors));
      }
    }
  }

  const corpus = new LineCorpus(o.corpusPath, batcherState?.corpus);
  const batcher = new MlmBatcher(corpus, tokenizer, budget, batcherState);
  const pairBatcher = pairs ? new SentenceOrderBatcher(corpus, tokenizer, budget, rng, batcherState?.pairs) : null;
  // counted before the first step (and again on resume: same corpus, same counts, same weights)
  const smoothedWeights = budget.masking === 'smoothed'
    ? smoothedTokenWeights(await corpusTokenCounts(o.corpusPath, tokenizer), tokenizer.specialTokenIds)
    : undefined;
  let step = startStep;
  let checkpointPath: string | null = resumedFromStep !== null ? listCheckpoints(ckptDir).at(-1)!.path : null;
  let lastSavedStep = resumedFromStep ?? -1;
  let lastSavedAt = performance.now();
  const checkpointMs = (o.checkpointSeconds ?? 0) * 1000;
  let sessionSeconds = 0, sessionTokens = 0;

  // losses are read a few steps behind the step that made them (lagged-reads.ts); each is reported then
  const report = (due: Awaited<ReturnType<typeof reads.flush>>): void => {
    for (const { values: all, tag } of due) {
      const [loss, gradNorm] = all;
      const scaled: Record<string, number> = {};
      if (scaler.mode === 'dynamic') {
        const skipped = all[2 + tag.parts.length] !== 0;
        lastScale = all[3 + tag.parts.length];
        skippedSteps += skipped ? 1 : 0;
        skippedInARow = skipped ? skippedInARow + 1 : 0;
        Object.assign(scaled, { lossScale: lastScale, skippedSteps });
        if (skippedInARow >= MAX_SKIPPED_IN_A_ROW) {
          throw new Error(`loss scaling skipped ${skippedInARow} steps in a row up to step ${tag.step} (inf/NaN gradients at every scale down to ${lastScale}): ` +
            'training diverged (try a lower lr, or precision fp32)');
        }
        if (skipped) {
          // an overflowed step is skipped, not a divergence: its loss and norm are reported where finite
          const values: Record<string, number> = { lr: tag.lr, tokens: tag.tokens, ...scaled };
          if (Number.isFinite(loss)) values.loss = loss;
          for (const [k, v] of Object.entries(values)) o.onMetric?.(tag.step, k, v);
          log('info', `step ${tag.step}: inf/NaN gradients, step skipped (parameters and Adam's state unchanged); loss scale now ${lastScale}`);
          continue;
        }
      }
      if (!Number.isFinite(gradNorm)) throw new Error(`gradient norm is ${gradNorm} at step ${tag.step}: training diverged (try a lower lr)`);
      if (!Number.isFinite(loss)) throw new Error(`loss is ${loss} at step ${tag.step}: training diverged (try a lower lr)`);
      firstLoss ??= loss;
      lastLoss = loss;
      const tokensPerSec = sessionTokens / Math.max(sessionSeconds, 1e-9);
      const values: Record<string, number> = { loss, lr: tag.lr, tokensPerSec, gradNorm, tokens: tag.tokens };
      tag.parts.forEach((k, i) => { values[`loss/${k}`] = all[i + 2]; });
      Object.assign(values, tag.extra, scaled);
      const secondsPerStep = sessionSeconds / Math.max(step - startStep, 1);
      if (tag.step % (o.progressEvery ?? 1) === 0 || tag.step === totalSteps) {
        o.onProgress?.({ step: tag.step, totalSteps, values, etaSeconds: secondsPerStep * (totalSteps - tag.step), phase: 'distill' });
      } else if (o.onMetric) {
        for (const [k, v] of Object.entries(values)) o.onMetric(tag.step, k, v);
      }
    }
  };
  let loggedPath = false;

  const save = async (): Promise<void> => {
    await method.settle?.(); // what afterStepAsync left in flight, before the method's state is read
    if (step === lastSavedStep) return;
    report(await reads.flush());
    const adam = optimizer.getState();
    const methodState = method.saveState();
    // with loss scaling the device counts Adam's applied updates (a skipped step is not one)
    const scale = scaler.getState();
    const adamStep = scale ? (await scaler.read())!.appliedSteps : adam.step;
    const tensors: Record<string, tf.Tensor> = {};
    for (const v of vars) tensors[`param/${v.name}`] = v;
    for (const [n, t] of Object.entries(adam.m)) tensors[`adam.m/${n}`] = t;
    for (const [n, t] of Object.entries(adam.v)) tensors[`adam.v/${n}`] = t;
    for (const [n, t] of Object.entries(methodState.tensors)) tensors[`method/${n}`] = t;
    for (const [n, t] of Object.entries(scale ?? {})) tensors[`lossScale/${n}`] = t;
    try {
      const meta: LoopMeta = {
        method: method.name, totalSteps, adamStep, rng: rng.getState(),
        batcher: pairBatcher ? { ...batcher.state(), pairs: pairBatcher.state() } : batcher.state(),
        methodJson: methodState.json, firstLoss, lastLoss, tokensSeen, elapsedSeconds: elapsedBefore + sessionSeconds,
      };
      checkpointPath = await writeCheckpoint(ckptDir, { step, tensors, meta }, o.keepCheckpoints ?? 2);
      lastSavedStep = step;
      lastSavedAt = performance.now();
    } finally {
      tf.dispose([...Object.values(adam.m), ...Object.values(adam.v), ...Object.values(methodState.tensors), ...Object.values(scale ?? {})]);
    }
  };

  let stopped = false;
  let captureStatus: CaptureStatus | undefined;
  try {
    while (step < totalSteps) {
      // let pending I/O callbacks (e.g. a cancel message from the runner) run: most of a step is synchronous
      await new Promise((resolve) => setImmediate(resolve));
      if (o.signal?.aborted) {
        stopped = true;
        break;
      }
      // a step's time: reading and masking its batch, the step, and (below) the wait for the GPU
      const started = performance.now();
      const pairRows = pairBatcher ? await pairBatcher.nextPairs() : null;
      const rows = pairRows ? pairRows.map((r) => r.ids) : await batcher.nextRows();
      const { batch, tokens } = makeMlmBatch(rows, tokenizer, rng, budget.maskProb, budget.padTo === 'seqLen' ? budget.seqLen : undefined, smoothedWeights,
        pairRows ? { tokenTypes: pairRows.map((r) => r.tokenTypes), labels: pairRows.map((r) => r.label) } : undefined);
      const lr = method.learningRateAt?.(step, totalSteps, o.optimizer.lr, o.optimizer.warmupSteps)
        ?? learningRateAt(step, o.optimizer.lr, o.optimizer.warmupSteps, totalSteps);
      ctx.step = step;
      ctx.adam = scaler.nextStep(optimizer, lr);
      stepKey = method.stepKey?.(step, totalSteps) ?? '';
      const inputs = { ...batch, stepWords: stepWordsTensor(step), adamStep: stepValuesTensor(ctx.adam) };
      let values: tf.Tensor1D;
      try {
        values = captured.run(inputs, stepKey).values as tf.Tensor1D;
      } finally {
        disposeMlmBatch(batch);
        tf.dispose([inputs.stepWords, inputs.adamStep]);
      }
      if (!loggedPath && captured.status().replayedSteps > 0) {
        loggedPath = true;
        log('info', `training step: replayed from a capture (${captured.status().dispatches} dispatches) from step ${step + 1}`);
      }
      // deferReads: a mask event need not wait for the GPU (WID: masks chosen on the device, read back later; save() settles)
      const extra = (method.afterStepAsync ? await method.afterStepAsync(step, totalSteps, { deferReads: true }) : method.afterStep?.(step, totalSteps)) ?? {};
      step++;
      let stepSeconds = (performance.now() - started) / 1000;
      sessionTokens += tokens;
      tokensSeen += tokens;
      if (o.evaluate) Object.assign(extra, (await o.evaluate(step, totalSteps)) ?? {});
      // the step's time includes waiting for the GPU, which happens when a lagged read comes due
      const waitStarted = performance.now();
      const due = await reads.push(values, { step, lr, tokens, parts: partNamesByKey.get(stepKey) ?? [], extra });
      stepSeconds += (performance.now() - waitStarted) / 1000;
      sessionSeconds += stepSeconds;
      report(due);
      const dueBySteps = o.checkpointEvery > 0 && step % o.checkpointEvery === 0;
      const dueByTime = checkpointMs > 0 && performance.now() - lastSavedAt >= checkpointMs;
      if (dueBySteps || dueByTime) await save();
    }
    const flushStarted = performance.now();
    const due = await reads.flush();
    sessionSeconds += (performance.now() - flushStarted) / 1000;
    report(due);
    await save();
    if (scaler.mode === 'dynamic') ({ scale: lastScale, skippedSteps } = (await scaler.read())!);
  } finally {
    reads.dispose();
    await corpus.close();
    optimizer.dispose();
    scaler.dispose();
    captureStatus = captured.status();
    if (!loggedPath) log('info', `training step: eager (${captureStatus.reason})`);
    captured.dispose();
  }
  if (stopped) log('info', `stopped at step ${step}; checkpoint ${checkpointPath ?? '(none)'}`);
  return {
    steps: step, totalSteps, stopped, resumedFromStep, firstLoss, finalLoss: lastLoss, tokensSeen,
    tokensPerSec: sessionTokens / Math.max(sessionSeconds, 1e-9), elapsedSeconds: elapsedBefore + sessionSeconds, checkpointPath,
    capture: captureStatus!,
    lossScaling: { mode: scaler.mode, scale: scaler.mode === 'dynamic' ? lastScale : null, skippedSteps },
  };
}
