// The distillation jobs ('wid', 'distilbert', 'tinybert'): one JobDefinition factory, since only the
// method (student construction + loss) differs. parseConfig checks the config against the teacher's
// config.json before the run is queued; run loads the teacher, builds the method, runs the shared
// loop (train/loop.ts), exports the student as a Hugging Face folder and reports it to the store.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bertConfigFromHf, parameterCount, type BertConfig } from '../bert/index.js';
import { loadHfModel, saveHfModel } from '../checkpoint/index.js';
import type { Teacher } from '../methods/common/teacher.js';
import { DISTILL_METHODS } from '../methods/registry.js';
import { corpusTextFiles } from '../train/corpus.js';
import type { MaskingKind } from '../train/masking.js';
import { corpusTokenizerFrom } from '../train/corpus-tokenizer.js';
import { runDistillation } from '../train/loop.js';
import { pruneCheckpoints } from '../train/train-state.js';
import type { DistillMethod } from '../train/method.js';
import { ConfigError, type JobContext, type JobDefinition } from './types.js';
import { distillMethodOptions, type DistillMethodName } from './distill-options.js';

export type { DistillMethodName } from './distill-options.js';

export interface DistillJobConfig {
  method: DistillMethodName;
  teacherPath: string;
  corpusPath: string;
  steps: number;
  /** Exactly one of batchSize / batchTokens is set. */
  batchSize?: number;
  batchTokens?: number;
  seqLen: number;
  maskProb: number;
  /** 'bernoulli' (BERT) or 'smoothed' (DistilBERT: exactly maskProb of the tokens, p ∝ count^-0.7). */
  masking: MaskingKind;
  padTo: 'longest' | 'seqLen';
  lr: number;
  warmupSteps: number;
  weightDecay: number;
  clipNorm: number;
  checkpointEvery: number;
  progressEvery: number;
  seed: number;
  backend: string;
  /** What the method factory receives: shared target/preset/seed plus the method's own keys. */
  methodOptions: Record<string, unknown>;
}

const DEFAULTS = {
  steps: 1000, seqLen: 128, batchSize: 32, maskProb: 0.15,
  checkpointEvery: 200, progressEvery: 1, backend: 'auto',
} as const;

const BACKENDS = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'];

function num(r: Record<string, unknown>, key: string, fallback: number | undefined, check: (v: number) => boolean, expected: string): number {
  const v = r[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || !check(v)) throw new ConfigError(`${key}: expected ${expected}, got ${JSON.stringify(r[key])}`);
  return v;
}
const int = (r: Record<string, unknown>, key: string, fallback: number | undefined, min: number) =>
  num(r, key, fallback, (v) => Number.isInteger(v) && v >= min, `an integer >= ${min}`);

function maskingField(v: unknown, fallback: MaskingKind): MaskingKind {
  if (v === undefined) return fallback;
  if (v !== 'bernoulli' && v !== 'smoothed') throw new ConfigError(`masking: expected "bernoulli" (each token with p = maskProb) or "smoothed" (exactly maskProb of the tokens, rare ones favoured, DistilBERT), got ${JSON.stringify(v)}`);
  return v;
}

function padToField(v: unknown): 'longest' | 'seqLen' {
  if (v === undefined) return 'longest';
  if (v !== 'longest' && v !== 'seqLen') throw new ConfigError(`padTo: expected "longest" or "seqLen", got ${JSON.stringify(v)}`);
  return v;
}

function readTeacherConfig(teacherPath: string): BertConfig {
  const path = join(teacherPath, 'config.json');
  if (!existsSync(path)) throw new ConfigError(`teacherPath: ${teacherPath} has no config.json; expected a Hugging Face BERT folder`);
  try {
    return bertConfigFromHf(JSON.parse(readFileSync(path, 'utf8')));
  } catch (err) {
    throw new ConfigError(`teacherPath: ${path} is not a usable BERT config (${(err as Error).message})`);
  }
}

export function parseDistillConfig(method: DistillMethodName, raw: unknown): DistillJobConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(`config: expected an object, got ${JSON.stringify(raw)}`);
  const r = raw as Record<string, unknown>;
  if (typeof r.teacherPath !== 'string' || !r.teacherPath) {
    throw new ConfigError(`teacherPath: expected the teacher's model folder (or teacherModelId of a registered model), got ${JSON.stringify(r.teacherPath)}`);
  }
  if (typeof r.corpusPath !== 'string' || !r.corpusPath) {
    throw new ConfigError(`corpusPath: expected a text file (one document or sentence per line) or a folder of .txt files (or datasetId of a registered corpus), got ${JSON.stringify(r.corpusPath)}`);
  }
  if (!existsSync(r.corpusPath)) throw new ConfigError(`corpusPath: ${r.corpusPath} does not exist`);
  if (!corpusTextFiles(r.corpusPath).length) throw new ConfigError(`corpusPath: ${r.corpusPath} holds no .txt file`);
  const teacher = readTeacherConfig(r.teacherPath);
  if (!existsSync(join(r.teacherPath, 'vocab.txt'))) {
    throw new ConfigError(`teacherPath: ${r.teacherPath} has no vocab.txt; the corpus is tokenised with the teacher's WordPiece vocabulary`);
  }
  const backend = r.backend ?? DEFAULTS.backend;
  if (typeof backend !== 'string' || !BACKENDS.includes(backend)) throw new ConfigError(`backend: expected one of ${BACKENDS.join(', ')}, got ${JSON.stringify(backend)}`);

  const steps = int(r, 'steps', DEFAULTS.steps, 1);
  const seqLen = int(r, 'seqLen', DEFAULTS.seqLen, 3);
  if (seqLen > teacher.maxPositionEmbeddings) {
    throw new ConfigError(`seqLen: ${seqLen} exceeds the teacher's max_position_embeddings (${teacher.maxPositionEmbeddings})`);
  }
  if (r.batchSize !== undefined && r.batchTokens !== undefined) throw new ConfigError('batchSize, batchTokens: give one of them, not both');
  const batchTokens = r.batchTokens !== undefined ? int(r, 'batchTokens', undefined, seqLen) : undefined;
  const batchSize = batchTokens === undefined ? int(r, 'batchSize', DEFAULTS.batchSize, 1) : undefined;
  const published = DISTILL_METHODS[method].optimizer;
  const warmupSteps = int(r, 'warmupSteps', Math.round(steps * published.warmupFraction), 0);
  if (warmupSteps >= steps && steps > 1) throw new ConfigError(`warmupSteps: ${warmupSteps} leaves no steps after warm-up (steps = ${steps})`);
  return {
    method,
    teacherPath: r.teacherPath,
    corpusPath: r.corpusPath,
    steps, seqLen, batchSize, batchTokens, warmupSteps,
    maskProb: num(r, 'maskProb', DEFAULTS.maskProb, (v) => v > 0 && v < 1, 'a number in (0, 1)'),
    padTo: padToField(r.padTo),
    masking: maskingField(r.masking, published.masking),
    lr: num(r, 'lr', published.lr, (v) => v > 0 && v < 1, 'a learning rate in (0, 1)'),
    weightDecay: num(r, 'weightDecay', published.weightDecay, (v) => v >= 0, 'a number >= 0'),
    clipNorm: num(r, 'clipNorm', published.clipNorm, (v) => v >= 0, 'a number >= 0 (0 = no clipping)'),
    checkpointEvery: int(r, 'checkpointEvery', DEFAULTS.checkpointEvery, 0),
    progressEvery: int(r, 'progressEvery', DEFAULTS.progressEvery, 1),
    seed: num(r, 'seed', 0, (v) => Number.isInteger(v) && v >= 0 && v <= 2 ** 31 - 1, `an integer from 0 to ${2 ** 31 - 1}`),
    backend,
    methodOptions: distillMethodOptions(method, r, teacher).options,
  };
}

async function runDistillJob(config: DistillJobConfig, ctx: JobContext): Promise<Record<string, unknown>> {
  const loaded = await loadHfModel(config.teacherPath);
  if (!loaded.tokenizer) throw new Error(`teacher ${config.teacherPath} has no vocab.txt: the corpus is tokenised with the teacher's tokenizer`);
  const teacher: Teacher = { config: loaded.config, weights: loaded.weights };
  let method: DistillMethod | undefined;
  try {
    method = await DISTILL_METHODS[config.method].create(teacher, { ...config.methodOptions, seed: config.methodOptions.seed ?? config.seed });
    const teacherParameterCount = parameterCount(loaded.config, { mlmHead: true });
    ctx.log('info', `${config.method}: teacher ${config.teacherPath} (${teacherParameterCount} parameters), ${config.steps} steps on ${ctx.backend.name}`);
    const summary = await runDistillation({
      method,
      tokenizer: corpusTokenizerFrom(loaded.tokenizer),
      corpusPath: config.corpusPath,
      budget: { steps: config.steps, seqLen: config.seqLen, batchSize: config.batchSize, batchTokens: config.batchTokens, maskProb: config.maskProb, masking: config.masking, padTo: config.padTo },
      optimizer: { lr: config.lr, warmupSteps: config.warmupSteps, weightDecay: config.weightDecay, clipNorm: config.clipNorm },
      seed: config.seed,
      checkpointEvery: config.checkpointEvery,
      progressEvery: config.progressEvery,
      workDir: ctx.workDir,
      resume: ctx.resume,
      signal: ctx.signal,
      onProgress: (p) => ctx.progress(p),
      onMetric: (step, name, value) => ctx.metric(step, name, value),
      onLog: (level, message) => ctx.log(level, message),
    });
    const common = {
      steps: summary.steps, totalSteps: summary.totalSteps, firstLoss: summary.firstLoss, finalLoss: summary.finalLoss,
      tokensSeen: summary.tokensSeen, tokensPerSec: summary.tokensPerSec, elapsedSeconds: summary.elapsedSeconds,
      teacherParameterCount, checkpoint: summary.checkpointPath,
    };
    if (summary.stopped) return { ...common, stopped: true };

    ctx.progress({ step: summary.steps, totalSteps: summary.totalSteps, values: {}, etaSeconds: 0, phase: 'export' });
    const student = method.exportStudent();
    const studentDir = join(ctx.workDir, 'student');
    try {
      await saveHfModel(studentDir, {
        config: student.config, weights: student.weights, architecture: 'BertForMaskedLM',
        vocabPath: loaded.vocabPath, doLowerCase: loaded.tokenizer.lowercase,
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
    const s = student.config;
    return {
      ...common,
      student: { layers: s.numHiddenLayers, hidden: s.hiddenSize, heads: s.numAttentionHeads, intermediate: s.intermediateSize },
      parameterCount: parameterCount(s, { mlmHead: true }),
      studentPath: studentDir,
    };
  } finally {
    method?.dispose();
    for (const t of Object.values(loaded.weights)) t.dispose();
  }
}

export function distillJob(method: DistillMethodName): JobDefinition<DistillJobConfig> {
  return { method, parseConfig: (raw) => parseDistillConfig(method, raw), run: runDistillJob };
}

export const widJob = distillJob('wid');
export const distilBertJob = distillJob('distilbert');
export const tinyBertJob = distillJob('tinybert');
