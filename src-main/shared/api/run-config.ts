// The run-config fields of the jobs, each declared once with its type, default, bounds, unit and help (zod 4).
// From these come the engine's parsers (engine/config/parse.ts turns an issue into "field: expected …, got …"),
// the TypeScript types of the API and the jobs, the service's upper bounds, and the limits and help the wizard
// shows (runConfigLimits, from zod's JSON Schema). Every object is strict: a key no job of the kind knows is refused
// by name. A compare group's config carries every member's options object; the keys that need a file or the teacher
// (paths, target sizes) are checked by the jobs.
import * as z from 'zod';
import { backend, commonKeys, described, flag, integer, limitsOf, lossScaling, number, oneOf, precision, seed, type FieldLimits } from './config-fields.js';
import { METHOD_OPTION_SCHEMAS, studentPresetSchema, studentTargetSchema } from './method-options.js';
import { evaluateFieldsSchema, finetuneFieldsSchema, type EvaluateConfigInput, type FineTuneConfigInput } from './glue-config.js';

export { BACKENDS, LOSS_SCALINGS, MAX_SEED, PRECISIONS, type FieldLimits, type FieldMeta } from './config-fields.js';

// ---- selftest ----

export const selftestConfigSchema = z.strictObject({
  ...commonKeys,
  steps: integer({ min: 1, max: 100_000, help: 'optimiser steps', unit: 'steps', expected: 'a positive integer up to 100000' }).default(20),
  delayMs: integer({ min: 0, max: 60_000, help: 'pause after each step', unit: 'ms', expected: 'an integer >= 0 up to 60000' }).default(0),
  batchSize: integer({ min: 1, max: 1024, help: 'sequences per step', unit: 'sequences', expected: 'a positive integer up to 1024' }).default(8),
  seqLen: integer({ min: 4, max: 128, help: 'tokens per sequence', unit: 'tokens', expected: 'an integer >= 4 up to 128' }).default(16),
  learningRate: number({ min: 0, max: 1, minExclusive: true, maxExclusive: true, help: 'AdamW learning rate', expected: 'a learning rate in (0, 1)' }).default(1e-2),
  backend,
  precision,
  seed: seed.default(0),
});

// ---- distillation (wid, distilbert, tinybert, albert, mobilebert; a compare group shares these) ----

const methodObject = (method: string) => described(z.record(z.string(), z.unknown(), { error: `an object of ${method} options` }),
  { help: `${method}'s own options (shared/api/method-options.ts), parsed by a ${method} run with the shared target, preset and seed`, expected: `an object of ${method} options` });

/**
 * What a compare group's shared config may carry besides the budget: the student size every method takes, and each
 * method's own options object (a member parses its own, with the method's schema; the others are its peers').
 */
const groupKeys = {
  target: studentTargetSchema.optional(),
  preset: studentPresetSchema.optional(),
  methodOptions: methodObject('the run\'s method').optional(),
  wid: methodObject('wid').optional(),
  distilbert: methodObject('distilbert').optional(),
  tinybert: methodObject('tinybert').optional(),
  albert: methodObject('albert').optional(),
  mobilebert: methodObject('mobilebert').optional(),
};

/** The budget and optimiser of every distillation method; lr, warm-up, decay, clipping and masking default to the method's published values. */
export const distillConfigSchema = z.strictObject({
  ...commonKeys,
  ...groupKeys,
  steps: integer({ min: 1, max: 10_000_000, help: 'optimiser steps', unit: 'steps', expected: 'an integer >= 1 (at most 10000000)' }).default(1000),
  batchSize: integer({ min: 1, max: 8192, help: 'sequences per step (or give batchTokens)', unit: 'sequences', expected: 'an integer >= 1 (at most 8192)' }).optional(),
  batchTokens: integer({ min: 8, max: 4_194_304, help: 'tokens per step, rows packed by length (instead of batchSize); at least seqLen', unit: 'tokens', expected: 'an integer >= seqLen (at most 4194304)' }).optional(),
  seqLen: integer({ min: 8, max: 8192, help: 'longest sequence; at most the teacher\'s max_position_embeddings', unit: 'tokens', expected: 'an integer >= 8 (at most 8192)' }).default(128),
  maskProb: number({ min: 0, max: 1, minExclusive: true, maxExclusive: true, help: 'share of tokens masked for the MLM loss', expected: 'a number in (0, 1)' }).default(0.15),
  masking: oneOf(['bernoulli', 'smoothed'], 'bernoulli: each token with p = maskProb (BERT); smoothed: exactly maskProb of the tokens, rare ones favoured (DistilBERT)',
    '"bernoulli" (each token with p = maskProb) or "smoothed" (exactly maskProb of the tokens, rare ones favoured, DistilBERT)').optional(),
  padTo: oneOf(['longest', 'seqLen'], 'pad each batch to its longest row or always to seqLen', '"longest" or "seqLen"').default('longest'),
  lr: number({ min: 0, max: 1, minExclusive: true, maxExclusive: true, help: 'peak AdamW learning rate (default: the method\'s published one)', expected: 'a learning rate in (0, 1)' }).optional(),
  warmupSteps: integer({ min: 0, max: 10_000_000, help: 'linear warm-up, fewer than steps (default: the method\'s published share of steps)', unit: 'steps', expected: 'an integer >= 0 (at most 10000000)' }).optional(),
  weightDecay: number({ min: 0, max: 1, help: 'AdamW weight decay (default: the method\'s published one)', expected: 'a number from 0 to 1' }).optional(),
  clipNorm: number({ min: 0, max: 1e6, help: 'global gradient-norm clip, 0 = none (default: the method\'s published one)', expected: 'a number from 0 to 1000000 (0 = no clipping)' }).optional(),
  beta2: number({ min: 0, max: 1, maxExclusive: true, help: 'AdamW β2 (default: the method\'s published one: DistilBERT 0.98, others 0.999)', expected: 'a number in [0, 1)' }).optional(),
  correctBias: described(z.boolean({ error: 'true or false' }), { help: 'Adam\'s bias correction of the moments (default: the method\'s published choice: off for WID, as its authors\' correct_bias=False)', expected: 'true or false' }).optional(),
  checkpointEvery: integer({ min: 0, max: 10_000_000, help: 'steps between checkpoints, 0 = none by steps (checkpointMinutes; one is always written on pause and at the end)', unit: 'steps', expected: 'an integer >= 0 (at most 10000000)' }).default(0),
  checkpointMinutes: number({ min: 0, max: 10_080, help: 'minutes of training between checkpoints, 0 = none by time; a large model\'s checkpoint takes seconds, so long runs checkpoint by time', unit: 'minutes', expected: 'a number from 0 to 10080 (0 = none by time)' }).default(10),
  progressEvery: integer({ min: 1, max: 10_000_000, help: 'steps between progress reports', unit: 'steps', expected: 'an integer >= 1 (at most 10000000)' }).default(1),
  heldOutEvery: integer({ min: 0, max: 10_000_000, help: 'steps between held-out losses: the student as exported (WID: merged), metric loss/heldout-mlm, and the method\'s own objective, loss/heldout-distill; 0 = off', unit: 'steps', expected: 'an integer >= 0 (at most 10000000)' }).default(0),
  heldOutLines: integer({ min: 1, max: 1_000_000, help: 'corpus lines held out from training at its end (default: 3000, at most a tenth of the lines with text)', unit: 'lines', expected: 'an integer >= 1 (at most 1000000)' }).optional(),
  heldOutBatches: integer({ min: 1, max: 1000, help: 'held-out batches scored at each evaluation', unit: 'batches', expected: 'an integer >= 1 (at most 1000)' }).default(8),
  saveStudent: flag('false: a short run kept only for its losses (wid repro\'s lr sweep): no student folder is written and no model registered').default(true),
  seed: seed.default(0),
  backend,
  precision,
  lossScaling,
});

export type SelftestConfig = z.output<typeof selftestConfigSchema>;
export type DistillBudgetConfig = z.output<typeof distillConfigSchema>;

export type SelftestConfigInput = z.input<typeof selftestConfigSchema>;
/** A distillation run's config, and a compare group's shared one (every member's options object beside the budget). */
export type DistillConfigInput = z.input<typeof distillConfigSchema>;

/** What runs.create / groups.create / runs.plan take as config: one job kind's fields, from its schema (the service parses it). */
export type RunConfigInput = SelftestConfigInput | DistillConfigInput | FineTuneConfigInput | EvaluateConfigInput;

/** The wizard's limits and help, from the schemas above. */
export const runConfigLimits = {
  selftest: limitsOf(selftestConfigSchema),
  distill: limitsOf(distillConfigSchema),
  finetune: limitsOf(finetuneFieldsSchema),
  evaluate: limitsOf(evaluateFieldsSchema),
};

/** Each method's options' limits, values and help (the wizard's method fields), from their schemas. */
export const methodOptionLimits = Object.fromEntries(Object.entries(METHOD_OPTION_SCHEMAS).map(([m, schema]) => [m, limitsOf(schema)])) as
  Record<keyof typeof METHOD_OPTION_SCHEMAS, Record<string, FieldLimits>>;
