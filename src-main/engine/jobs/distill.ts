// The distillation jobs ('wid', 'distilbert', 'tinybert', 'albert', 'mobilebert'): one JobDefinition factory, since only the
// method (student construction + loss) differs. parseConfig checks the config against the teacher's
// config.json before the run is queued; run loads the teacher, builds the method, runs the shared
// loop (train/loop.ts), exports the student as a Hugging Face folder and reports it to the store.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parameterCount } from '../bert/index.js';
import { distillConfigSchema, type DistillBudgetConfig } from '../../shared/api/run-config.js';
import type { commonKeys } from '../../shared/api/config-fields.js';
import { ConfigFiles } from '../config/config-files.js';
import { parseWith } from '../config/parse.js';
import { loadHfModel } from '../checkpoint/index.js';
import { familyOps } from '../model-family/index.js';
import type { Teacher } from '../methods/common/teacher.js';
import { DISTILL_METHODS } from '../methods/registry.js';
import type { MaskingKind } from '../train/masking.js';
import { corpusTokenizerFrom } from '../train/corpus-tokenizer.js';
import { runDistillation } from '../train/loop.js';
import { stepPathOf } from '../capture/step-path.js';
import { applyTrainingPrecision, checkPrecisionBackend, describePrecision } from '../train/training-precision.js';
import { countTextLines, heldOutBatches, scoreHeldOut, splitCorpusTail, type HeldOutBatch } from '../train/held-out.js';
import { heldOutDistillLoss } from '../train/held-out-distill.js';
import { pruneCheckpoints } from '../train/train-state.js';
import type { DistillMethod } from '../train/method.js';
import { appendMaskEvent, MASK_LOG_FILE, maskLogTeacher, type WidMethod } from '../methods/wid/index.js';
import { ConfigError, type JobContext, type JobDefinition } from './types.js';
import { trainingStepBytes, type MemoryNeed } from './memory.js';
import { distillMethodOptions, methodOptionsOf, type DistillMethodName } from './distill-options.js';

export type { DistillMethodName } from './distill-options.js';

export interface DistillJobConfig extends Omit<DistillBudgetConfig, 'lr' | 'warmupSteps' | 'weightDecay' | 'clipNorm' | 'masking' | 'beta2' | 'correctBias' | keyof typeof commonKeys | 'target' | 'preset' | 'methodOptions' | DistillMethodName> {
  method: DistillMethodName;
  teacherPath: string;
  corpusPath: string;
  lr: number;
  warmupSteps: number;
  weightDecay: number;
  /** 0 = no clipping. */
  clipNorm: number;
  /** 'bernoulli' (BERT) or 'smoothed' (DistilBERT: exactly maskProb of the tokens, p ∝ count^-0.7). */
  masking: MaskingKind;
  /** Adam β2 (DistilBERT's authors 0.98, others 0.999). */
  beta2: number;
  /** Adam bias correction (WID's authors: off, correct_bias=False). */
  correctBias: boolean;
  /** What the method factory receives: its options parsed with its schema (defaults filled), shared target/preset/seed included. */
  methodOptions: Record<string, unknown>;
}

const DEFAULT_BATCH_SIZE = 32;

function pathField(r: Record<string, unknown>, key: 'teacherPath' | 'corpusPath'): string {
  const v = r[key];
  if (typeof v === 'string' && v) return v;
  throw new ConfigError(key === 'teacherPath'
    ? `teacherPath: expected the teacher's model folder (or teacherModelId of a registered model), got ${JSON.stringify(v)}`
    : `corpusPath: expected a text file (one document or sentence per line) or a folder of .txt files (or datasetId of a registered corpus), got ${JSON.stringify(v)}`);
}

/**
 * The config as the job runs it, from the fields alone (no file is read): the schema's fields with the method's
 * published optimiser for what the config leaves out, and the method's options. The worker runs this on the
 * config the service stored; parseDistillConfig adds the checks against the teacher and the corpus.
 */
export function decodeDistillConfig(method: DistillMethodName, raw: unknown): DistillJobConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(`config: expected an object, got ${JSON.stringify(raw)}`);
  const teacherPath = pathField(raw as Record<string, unknown>, 'teacherPath');
  const corpusPath = pathField(raw as Record<string, unknown>, 'corpusPath');
  const r = raw as Record<string, unknown>;
  // the group's keys (size, every method's options) become this method's options below; the ids are the service's
  const {
    target: _t, preset: _p, methodOptions: _m, wid: _w, distilbert: _d, tinybert: _tb, albert: _a, mobilebert: _mb,
    teacherModelId: _ti, datasetId: _di, modelId: _mi, gluePath: _g, modelPath: _mp, teacherPath: _tp, corpusPath: _cp, ...c
  } = parseWith(distillConfigSchema, raw);
  if (c.batchSize !== undefined && c.batchTokens !== undefined) throw new ConfigError('batchSize, batchTokens: give one of them, not both');
  checkPrecisionBackend(c);
  if (c.batchTokens !== undefined && c.batchTokens < c.seqLen) throw new ConfigError(`batchTokens: expected an integer >= seqLen (${c.seqLen}), got ${c.batchTokens}`);
  const published = DISTILL_METHODS[method].optimizer;
  const warmupSteps = c.warmupSteps ?? Math.round(c.steps * published.warmupFraction);
  if (warmupSteps >= c.steps && c.steps > 1) throw new ConfigError(`warmupSteps: expected fewer than steps (${c.steps}), got ${warmupSteps}`);
  return {
    ...c,
    method, teacherPath, corpusPath, warmupSteps,
    batchSize: c.batchTokens === undefined ? (c.batchSize ?? DEFAULT_BATCH_SIZE) : undefined,
    masking: c.masking ?? published.masking,
    lr: c.lr ?? published.lr,
    weightDecay: c.weightDecay ?? published.weightDecay,
    clipNorm: c.clipNorm ?? published.clipNorm,
    beta2: c.beta2 ?? published.beta2,
    correctBias: c.correctBias ?? published.correctBias,
    methodOptions: methodOptionsOf(method, r),
  };
}

/** decodeDistillConfig, then the checks against the files: corpus, teacher folder, sequence length and student size. */
export function parseDistillConfig(method: DistillMethodName, raw: unknown, files = new ConfigFiles()): DistillJobConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(`config: expected an object, got ${JSON.stringify(raw)}`);
  const r = raw as Record<string, unknown>;
  const teacherPath = pathField(r, 'teacherPath');
  const corpusPath = pathField(r, 'corpusPath');
  if (!existsSync(corpusPath)) throw new ConfigError(`corpusPath: ${corpusPath} does not exist`);
  if (!files.corpusFiles(corpusPath).length) throw new ConfigError(`corpusPath: ${corpusPath} holds no .txt file`);
  const teacher = files.bertConfig(teacherPath, 'teacherPath');
  if (!existsSync(join(teacherPath, 'vocab.txt'))) {
    throw new ConfigError(`teacherPath: ${teacherPath} has no vocab.txt; the corpus is tokenised with the teacher's WordPiece vocabulary`);
  }
  const config = decodeDistillConfig(method, raw);
  if (config.seqLen > teacher.maxPositionEmbeddings) {
    throw new ConfigError(`seqLen: ${config.seqLen} exceeds the teacher's max_position_embeddings (${teacher.maxPositionEmbeddings})`);
  }
  distillMethodOptions(method, r, teacher);
  return config;
}

async function runDistillJob(config: DistillJobConfig, ctx: JobContext): Promise<Record<string, unknown>> {
  // before anything is loaded: f16-tc on a backend without tensor cores fails the run at once, naming the field
  const trained = applyTrainingPrecision(config, ctx.backend.name);
  ctx.log('info', `precision: ${describePrecision(trained)} (setting ${config.precision}${config.lossScaling !== 'auto' ? `, loss scaling ${config.lossScaling}` : ''})`);
  const loaded = await loadHfModel(config.teacherPath);
  if (!loaded.tokenizer) throw new Error(`teacher ${config.teacherPath} has no vocab.txt (nor a WordPiece tokenizer.json): the corpus is tokenised with the teacher's tokenizer`);
  const teacher: Teacher = { config: loaded.config, weights: loaded.weights };
  let method: DistillMethod | undefined;
  // the held-out tail: training reads <workDir>/heldout/train.txt (the corpus without it); same split on resume
  // default: 3000 lines, at most a tenth of the corpus' lines with text
  // (counting the lines reads the whole corpus: only when there is a held-out tail to split off)
  const heldOutLines = config.heldOutEvery > 0 ? config.heldOutLines ?? Math.max(1, Math.min(3000, Math.floor(countTextLines(config.corpusPath) / 10))) : 0;
  const split = config.heldOutEvery > 0 ? splitCorpusTail(config.corpusPath, heldOutLines, join(ctx.workDir, 'heldout')) : null;
  try {
    method = await DISTILL_METHODS[config.method].create(teacher, { ...config.methodOptions, seed: config.methodOptions.seed ?? config.seed });
    const teacherParameterCount = parameterCount(loaded.config, { mlmHead: true });
    // WID: the exact masks of every mask event, for the run page's pruning heatmap (runs.pruning)
    const maskLog = method.name === 'wid' ? join(ctx.workDir, MASK_LOG_FILE) : null;
    if (maskLog) {
      const t = maskLogTeacher(loaded.config);
      (method as WidMethod).onMaskEvent((e) => appendMaskEvent(maskLog, e, t));
    }
    ctx.log('info', `${config.method}: teacher ${config.teacherPath} (${teacherParameterCount} parameters), ${config.steps} steps on ${ctx.backend.name}`);
    const tokenizer = corpusTokenizerFrom(loaded.tokenizer);
    let heldOut: { batches: HeldOutBatch[]; first: number | null; last: number | null; distillFirst: number | null; distillLast: number | null } | null = null;
    const evaluateStudent = async (): Promise<number> => {
      const student = method!.exportStudent();
      try { return (await scoreHeldOut(student, heldOut!.batches)).loss; } finally { for (const t of Object.values(student.weights)) t.dispose(); }
    };
    // the method's own objective on the same batches (train/held-out-distill.ts), as at the step just taken
    const evaluateObjective = async (done: number): Promise<number> =>
      (await heldOutDistillLoss(method!, heldOut!.batches, Math.max(done - 1, 0), config.steps)).loss;
    if (split) {
      const rows = config.batchSize ?? Math.max(1, Math.floor(config.batchTokens! / config.seqLen));
      heldOut = { batches: await heldOutBatches(tokenizer, split.holdoutPath, rows, config.seqLen, config.heldOutBatches, config.seed), first: null, last: null, distillFirst: null, distillLast: null };
      if (!ctx.resume) {
        heldOut.first = await evaluateStudent();
        ctx.metric(0, 'loss/heldout-mlm', heldOut.first);
        heldOut.distillFirst = await evaluateObjective(0);
        ctx.metric(0, 'loss/heldout-distill', heldOut.distillFirst);
      }
    }
    const summary = await runDistillation({
      method,
      tokenizer,
      corpusPath: split ? split.trainPath : config.corpusPath,
      evaluate: heldOut ? async (done, total) => {
        if (done % config.heldOutEvery !== 0 && done !== total) return;
        await method!.settle?.(); // the exported student needs the masks of every event so far
        heldOut!.last = await evaluateStudent();
        heldOut!.distillLast = await evaluateObjective(done);
        return { 'loss/heldout-mlm': heldOut!.last, 'loss/heldout-distill': heldOut!.distillLast };
      } : undefined,
      budget: { steps: config.steps, seqLen: config.seqLen, batchSize: config.batchSize, batchTokens: config.batchTokens, maskProb: config.maskProb, masking: config.masking, padTo: config.padTo },
      optimizer: { lr: config.lr, warmupSteps: config.warmupSteps, weightDecay: config.weightDecay, clipNorm: config.clipNorm, beta2: config.beta2, correctBias: config.correctBias },
      seed: config.seed,
      checkpointEvery: config.checkpointEvery,
      checkpointSeconds: config.checkpointMinutes * 60,
      progressEvery: config.progressEvery,
      workDir: ctx.workDir,
      resume: ctx.resume,
      signal: ctx.signal,
      onProgress: (p) => ctx.progress(p),
      onMetric: (step, name, value) => ctx.metric(step, name, value),
      onLog: (level, message) => ctx.log(level, message),
      lossScaling: trained.lossScaling,
    });
    const common = {
      steps: summary.steps, totalSteps: summary.totalSteps, firstLoss: summary.firstLoss, finalLoss: summary.finalLoss,
      tokensSeen: summary.tokensSeen, tokensPerSec: summary.tokensPerSec, elapsedSeconds: summary.elapsedSeconds,
      teacherParameterCount, checkpoint: summary.checkpointPath, trainingStep: stepPathOf(summary.capture),
      precision: trained.precision, lossScaling: summary.lossScaling,
      ...(heldOut ? { heldOut: { every: config.heldOutEvery, lines: heldOutLines, batches: heldOut.batches.length, firstLoss: heldOut.first, finalLoss: heldOut.last,
        distillFirstLoss: heldOut.distillFirst, distillFinalLoss: heldOut.distillLast } } : {}),
    };
    if (summary.stopped) return { ...common, stopped: true };
    if (!config.saveStudent) {
      // a short run kept for its losses (wid repro's lr sweep): no student folder, no model registered
      pruneCheckpoints(join(ctx.workDir, 'checkpoints'), 1);
      return { ...common, studentSaved: false };
    }

    ctx.progress({ step: summary.steps, totalSteps: summary.totalSteps, values: {}, etaSeconds: 0, phase: 'export' });
    const report = (await method.exportReport?.()) ?? {};
    const student = method.exportStudent();
    const ops = familyOps(student.family);
    const studentDir = join(ctx.workDir, 'student');
    try {
      // <Family>ForMaskedLM: BertForMaskedLM for WID, DistilBERT, TinyBERT; AlbertForMaskedLM, MobileBertForMaskedLM
      await ops.save(studentDir, {
        config: student.config, weights: student.weights, role: 'mlm',
        vocabPath: loaded.vocabPath, vocab: loaded.tokenizer.vocab, doLowerCase: loaded.tokenizer.lowercase,
      });
    } finally {
      for (const t of Object.values(student.weights)) t.dispose();
    }
    // the run cannot be resumed once completed: keep only the final checkpoint (disk: ~3x the student per file)
    pruneCheckpoints(join(ctx.workDir, 'checkpoints'), 1);
    ctx.artifact('student', studentDir);
    ctx.registerModel({ name: `${config.method} student (run ${ctx.runId})`, kind: 'student', path: studentDir });
    // method-specific extras, e.g. WID's attention.json (teacher vs student attention maps)
    for (const extra of (await method.writeArtifacts?.(ctx.workDir, { tokenizer: loaded.tokenizer })) ?? []) ctx.artifact(extra.kind, extra.path);
    // registered once, complete: a live or stopped run's log is read from its folder
    if (maskLog && existsSync(maskLog)) ctx.artifact('masks', maskLog);
    return {
      ...common,
      student: ops.shape(student.config),
      studentFamily: ops.family,
      parameterCount: ops.parameterCount(student.config, { mlmHead: true }),
      flopsPerToken: ops.forwardFlops(student.config, 128) / 128,
      studentPath: studentDir,
      ...report,
    };
  } finally {
    method?.dispose();
    for (const t of Object.values(loaded.weights)) t.dispose();
  }
}

/** One distillation step on the teacher (distill budget: batchTokens, or batchSize x seqLen). */
export function distillMemoryNeed(config: Pick<DistillJobConfig, 'teacherPath' | 'seqLen' | 'batchSize' | 'batchTokens'>, files: ConfigFiles): MemoryNeed | null {
  const teacher = files.bertConfigOrNull(config.teacherPath);
  if (!teacher) return null;
  const tokens = config.batchTokens ?? (config.batchSize ?? DEFAULT_BATCH_SIZE) * config.seqLen;
  const budget = config.batchTokens !== undefined ? `batchTokens ${config.batchTokens}` : `batchSize ${config.batchSize ?? DEFAULT_BATCH_SIZE} x ${config.seqLen} tokens`;
  return {
    bytes: trainingStepBytes(teacher, tokens, config.seqLen),
    what: `one training step of ${budget} on this ${teacher.numHiddenLayers}-layer, ${teacher.hiddenSize}-wide model`,
    lower: 'lower batchSize/batchTokens or seqLen',
  };
}

export function distillJob(method: DistillMethodName): JobDefinition<DistillJobConfig> {
  return {
    method, parseConfig: (raw, files) => parseDistillConfig(method, raw, files), decode: (raw) => decodeDistillConfig(method, raw),
    memoryNeed: distillMemoryNeed, run: runDistillJob,
  };
}

export const widJob = distillJob('wid');
export const distilBertJob = distillJob('distilbert');
export const tinyBertJob = distillJob('tinybert');
export const albertJob = distillJob('albert');
export const mobileBertJob = distillJob('mobilebert');
