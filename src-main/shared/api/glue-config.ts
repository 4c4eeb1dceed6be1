// The GLUE jobs' run configs (finetune, evaluate), each field declared once with its type, default, bounds, unit
// and help (config-fields.ts). The finetune schema's output is the job's config: the hyper-parameters gathered
// under `hp`, the default lr grid filled in when neither lr nor sweep is given.
import * as z from 'zod';
import { backend, commonKeys, described, flag, integer, lossScaling, number, oneOf, precision, seed } from './config-fields.js';

export const GLUE_TASK_NAMES = ['CoLA', 'SST-2', 'MRPC', 'STS-B', 'QQP', 'MNLI', 'QNLI', 'RTE', 'WNLI'] as const;
export type GlueTaskName = (typeof GLUE_TASK_NAMES)[number];

/**
 * The learning-rate grid used when the config names neither `lr` nor `sweep`: small students need the
 * larger rates, BERT-size models the smaller ones (BERT's paper searched 5e-5..2e-5); the best dev score wins.
 */
export const DEFAULT_LR_GRID = [1e-4, 5e-5, 3e-5, 2e-5];

/** The most values a sweep list (sweep.lr, sweep.epochs) holds. */
export const MAX_LR_GRID = 8;

const taskExpected = `a GLUE task name from ${GLUE_TASK_NAMES.join(', ')}`;
const task = described(z.enum(GLUE_TASK_NAMES, { error: taskExpected }), { help: 'GLUE task', expected: taskExpected });
const learningRate = (help: string) => number({ min: 0, max: 1, minExclusive: true, maxExclusive: true, help, expected: 'a learning rate in (0, 1)' });
const rows = (help: string) => integer({ min: 1, max: 100_000_000, help, unit: 'rows', expected: 'an integer >= 1 (at most 100000000)' });
const listOf = <T extends z.ZodType>(item: T, expected: string, help: string) =>
  described(z.array(item, { error: expected }).min(1, { error: expected }).max(MAX_LR_GRID, { error: expected }), { help, expected });

/** Where a model and a GLUE folder come from: a path, or a registered id the service turns into that path. */
const modelAndData = {
  ...commonKeys,
  seed: seed.default(0),
  backend,
};

function needsPathOrId(c: { [k: string]: unknown }, ctx: z.RefinementCtx, pathKey: string, idKey: string, what: string): void {
  if (c[pathKey] === undefined && (c[idKey] === undefined || c[idKey] === null)) {
    ctx.addIssue({ code: 'custom', path: [pathKey], input: undefined, message: `${what} (or ${idKey}: a registered id)` });
  }
}

// ---- finetune ----

export const finetuneFieldsSchema = z.strictObject({
  ...modelAndData,
  task: task.optional(),
  tasks: described(z.array(task, { error: 'a non-empty list of GLUE task names' }).min(1, { error: 'a non-empty list of GLUE task names' }).max(GLUE_TASK_NAMES.length, { error: 'each GLUE task at most once' }),
    { help: 'GLUE tasks fine-tuned one after the other', expected: 'a non-empty list of GLUE task names' }).optional(),
  lr: learningRate('AdamW peak learning rate (one value: no search; leave out for the default grid)').optional(),
  sweep: described(z.strictObject({
    lr: listOf(learningRate('learning rate'), `a list of 1 to ${MAX_LR_GRID} learning rates in (0, 1)`, 'learning rates tried; the best dev score wins'),
    epochs: listOf(integer({ min: 1, max: 100, help: 'epochs' }), `a list of 1 to ${MAX_LR_GRID} positive integers up to 100`, 'epoch counts tried').optional(),
  }, { error: '{ lr: number[], epochs?: number[] }' }), { help: 'a small lr × epochs grid; each task keeps its best dev point', expected: '{ lr: number[], epochs?: number[] }' }).nullable().optional(),
  epochs: integer({ min: 1, max: 100, help: 'passes over the training rows', unit: 'epochs' }).default(3),
  batchSize: integer({ min: 1, max: 1024, help: 'sequences per step', unit: 'sequences' }).default(32),
  maxLength: integer({ min: 8, max: 512, help: 'longest sequence (pairs are cut to fit); at most the model\'s max_position_embeddings', unit: 'tokens' }).default(128),
  warmupRatio: number({ min: 0, max: 0.99, help: 'share of the steps with a linear warm-up', expected: 'a number from 0 to 0.99' }).default(0.1),
  weightDecay: number({ min: 0, max: 1, help: 'AdamW weight decay', expected: 'a number from 0 to 1' }).default(0.01),
  dropout: number({ min: 0, max: 0.9, help: 'dropout on hidden states and attention probabilities', expected: 'a number from 0 to 0.9' }).default(0.1),
  clipNorm: number({ min: 0, max: 1e6, help: 'global gradient-norm clip, 0 = none', expected: 'a number from 0 to 1000000 (0 = no clipping)' }).default(1),
  pooler: oneOf(['checkpoint', 'fresh'], 'checkpoint: the model\'s own pooler where it has one; fresh: a new one (students get a fresh one unless set)',
    '"checkpoint" (use the model\'s own pooler where it has one) or "fresh"').default('checkpoint'),
  classifier: oneOf(['fresh', 'checkpoint'], 'fresh: a new classifier head; checkpoint: the model\'s own (a sequence classifier fine-tuned further; its label count must match the task)',
    '"fresh" (a new classifier head) or "checkpoint" (the model\'s own)').default('fresh'),
  maxTrainRows: rows('use only the first N training rows of each task (all when left out)').optional(),
  maxTrainRowsByTask: described(z.partialRecord(z.enum(GLUE_TASK_NAMES, { error: taskExpected }), rows('training rows of this task'), { error: '{ TASK: rows }' }),
    { help: 'per-task caps on training rows, e.g. { "SST-2": 20000 }', expected: '{ TASK: rows }' }).optional(),
  maxDevRows: rows('use only the first N rows of each dev split (all when left out)').optional(),
  saveModel: flag('save each task\'s best fine-tuned classifier as an artifact').default(false),
  efficiency: flag('measure latency and throughput (batch 1 and 32, sequence 128) after fine-tuning').default(true),
  efficiencyIters: integer({ min: 1, max: 1000, help: 'timed forward passes per batch size', unit: 'passes' }).default(10),
  precision,
  lossScaling,
});

export const finetuneConfigSchema = finetuneFieldsSchema.superRefine((c, ctx) => {
  needsPathOrId(c, ctx, 'modelPath', 'modelId', 'a folder path');
  needsPathOrId(c, ctx, 'gluePath', 'datasetId', 'a folder path');
  const tasks = c.tasks ?? (c.task === undefined ? undefined : [c.task]);
  if (!tasks) ctx.addIssue({ code: 'custom', path: ['task'], input: undefined, message: `a GLUE task name (or tasks: a list) from ${GLUE_TASK_NAMES.join(', ')}` });
  else if (new Set(tasks).size !== tasks.length) ctx.addIssue({ code: 'custom', path: ['tasks'], input: tasks, message: 'each GLUE task at most once' });
  for (const t of Object.keys(c.maxTrainRowsByTask ?? {})) {
    if (tasks && !tasks.includes(t as GlueTaskName)) ctx.addIssue({ code: 'custom', path: ['maxTrainRowsByTask', t], input: t, message: `one of the run's tasks (${tasks.join(', ')})` });
  }
}).transform((c) => {
  const hp = {
    lr: c.lr ?? 2e-5, epochs: c.epochs, batchSize: c.batchSize, maxLength: c.maxLength, warmupRatio: c.warmupRatio,
    weightDecay: c.weightDecay, dropout: c.dropout, clipNorm: c.clipNorm, pooler: c.pooler, classifier: c.classifier, seed: c.seed,
  };
  // no lr and no sweep: search the default grid (a single given lr means no search)
  const sweep = c.sweep ?? (c.lr === undefined ? { lr: DEFAULT_LR_GRID } : undefined);
  return {
    modelPath: c.modelPath ?? '', gluePath: c.gluePath ?? '',
    ...(typeof c.modelId === 'number' ? { modelId: c.modelId } : {}),
    ...(typeof c.datasetId === 'number' ? { datasetId: c.datasetId } : {}),
    tasks: c.tasks ?? [c.task!],
    hp,
    ...(sweep ? { sweep } : {}),
    ...(c.maxTrainRows !== undefined ? { maxTrainRows: c.maxTrainRows } : {}),
    ...(c.maxTrainRowsByTask !== undefined ? { maxTrainRowsByTask: c.maxTrainRowsByTask as Partial<Record<GlueTaskName, number>> } : {}),
    ...(c.maxDevRows !== undefined ? { maxDevRows: c.maxDevRows } : {}),
    saveModel: c.saveModel, efficiency: c.efficiency, efficiencyIters: c.efficiencyIters, backend: c.backend, seed: c.seed,
    precision: c.precision, lossScaling: c.lossScaling,
  };
});

/** The finetune job's config as the job runs it (what the service stores and the worker hands over). */
export type FineTuneJobConfig = z.output<typeof finetuneConfigSchema>;
export type FineTuneConfigInput = z.input<typeof finetuneFieldsSchema>;

// ---- evaluate ----

export const evaluateFieldsSchema = z.strictObject({
  ...modelAndData,
  batchSizes: described(z.array(integer({ min: 1, max: 1024, help: 'batch size' }), { error: 'a non-empty list of integers from 1 to 1024' })
    .min(1, { error: 'a non-empty list of integers from 1 to 1024' }).max(16, { error: 'at most 16 batch sizes' }),
  { help: 'batch sizes timed', expected: 'a non-empty list of integers from 1 to 1024' }).default([1, 32]),
  seqLen: integer({ min: 1, max: 512, help: 'sequence length of the timed batches', unit: 'tokens' }).default(128),
  warmup: integer({ min: 0, max: 100, help: 'untimed passes before timing', unit: 'passes' }).default(2),
  iters: integer({ min: 1, max: 1000, help: 'timed passes per batch size (the median is kept)', unit: 'passes' }).default(10),
});

export const evaluateConfigSchema = evaluateFieldsSchema.superRefine((c, ctx) => {
  needsPathOrId(c, ctx, 'modelPath', 'modelId', 'a folder path');
}).transform((c) => ({
  modelPath: c.modelPath ?? '',
  ...(typeof c.modelId === 'number' ? { modelId: c.modelId } : {}),
  batchSizes: c.batchSizes, seqLen: c.seqLen, warmup: c.warmup, iters: c.iters, backend: c.backend, seed: c.seed,
}));

export type EvaluateJobConfig = z.output<typeof evaluateConfigSchema>;
export type EvaluateConfigInput = z.input<typeof evaluateFieldsSchema>;
