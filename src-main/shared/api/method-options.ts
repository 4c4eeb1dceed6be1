// Each distillation method's options (the run config's `wid`, `distilbert`, `tinybert`, `albert`, `mobilebert`
// objects, plus the compare group's shared `target` / `preset` / `seed`), declared once: type, default (the
// authors' setting, docs/wid.md and docs/baselines.md), bounds, unit and help. Strict objects: an unknown option is
// refused by name (a typo would otherwise train with the default). What needs the teacher (sizes against its
// config, layer maps against its depth) is checked by the method's setup in the engine.
import * as z from 'zod';
import { described, flag, integer, number, oneOf, seed } from './config-fields.js';

const size = (help: string) => integer({ min: 1, max: 1_048_576, help, expected: 'a positive integer (at most 1048576)' });
const teacherLayer = integer({ min: 0, max: 1023, help: '0-based teacher layer', expected: 'a 0-based teacher layer index (at most 1023)' });
const layerMap = (help: string) => described(z.array(teacherLayer, { error: 'an array of 0-based teacher layer indices' }).min(1, { error: 'an array of 0-based teacher layer indices' }).max(1024, { error: 'at most 1024 layers' }),
  { help, expected: 'an array of 0-based teacher layer indices' });
const dropout = (help: string) => number({ min: 0, max: 1, maxExclusive: true, help, expected: 'a number in [0, 1)' });
const temperature = (help: string) => number({ min: 0, max: 100, minExclusive: true, help, expected: 'a number > 0 (at most 100)' });
const lossWeight = (help: string) => number({ min: 0, max: 1000, help, expected: 'a number >= 0 (at most 1000)' });

/** Any subset of the four sizes; the rest comes from the preset (what a baseline and the shared `target` take). */
export const studentTargetSchema = described(z.strictObject({
  layers: size('encoder layers').optional(),
  hidden: size('hidden size').optional(),
  heads: size('attention heads').optional(),
  intermediate: size('feed-forward width').optional(),
}, { error: '{ layers, hidden, heads, intermediate }' }), { help: 'student size: any of layers, hidden, heads, intermediate', expected: '{ layers, hidden, heads, intermediate }' });

export const WID_PRESETS = ['wid55', 'wid11'] as const;
/** Published shapes scaled to the teacher, and WID's parameter ratios (engine/methods/common/student-size.ts). */
export const STUDENT_PRESET_NAMES = ['distilbert', 'tinybert-4l-312h', 'tinybert-6l-768h', ...WID_PRESETS] as const;
export const studentPresetSchema = oneOf(STUDENT_PRESET_NAMES, 'a published student shape scaled to the teacher, or WID\'s parameter ratio (wid55: 50 %, wid11: 10 %)',
  `one of ${STUDENT_PRESET_NAMES.join(', ')}`);

/** Adds an issue at `path` whose message completes "expected …". */
function refuse(ctx: z.RefinementCtx, path: PropertyKey[], input: unknown, expected: string): void {
  ctx.addIssue({ code: 'custom', path: path as (string | number)[], input, message: expected });
}

// ---- WID ----

export const WID_OBJECTIVES = ['mlm', 'kd', 'mlm+kd'] as const;
export const WID_IMPORTANCE = ['compactor', 'compactor-all', 'effective'] as const;
/** w_step 500 of 400,000 total steps in the authors' README.md:65-70. */
export const AUTHORS_MASK_EVERY = 500 / 400_000;

export const widOptionsSchema = z.strictObject({
  target: described(z.strictObject({
    layers: size('must equal the teacher\'s depth: WID keeps depth').optional(),
    hidden: size('hidden size'), heads: size('attention heads'), intermediate: size('feed-forward width'),
  }, { error: '{ hidden, heads, intermediate }' }), { help: 'student widths (WID keeps the teacher\'s depth); or give a preset', expected: '{ hidden, heads, intermediate }' }).optional(),
  preset: oneOf(WID_PRESETS, 'parameter ratio of the student: wid55 50 %, wid11 10 % of the teacher', '"wid55" or "wid11"').optional(),
  attentionStrategy: oneOf(['dim', 'head', 'any'], 'dim: keep every head, shrink head size; head: keep head size, drop heads; any: both').default('dim'),
  temperature: temperature('softmax temperature of the logit-KD term').default(1),
  objective: oneOf(WID_OBJECTIVES, 'what trains the compactors: mlm hard labels (the paper\'s Table 1), kd logit distillation, or both').default('mlm'),
  pruneStart: number({ min: 0, max: 1, help: 'share of the run before the first mask event (hard schedule)', expected: 'a fraction in [0, 1]' }).default(0.1),
  pruneEnd: number({ min: 0, max: 1, help: 'share of the run at the last mask event (hard schedule); at least pruneStart', expected: 'a fraction in [0, 1]' }).default(0.6),
  pruneEvents: integer({ min: 1, max: 10_000, help: 'mask events of the hard schedule', unit: 'events' }).default(8),
  importance: oneOf(WID_IMPORTANCE, 'compactor: the authors\' (one compactor\'s column norms per mask); compactor-all: every compactor sharing the mask; effective: norms of R·W·C').default('compactor'),
  schedule: oneOf(['authors', 'hard'], 'authors: masked dims decay under the authors\' penalty; hard: masked dims leave the forward at events').default('authors'),
  maskEvery: number({ min: 0, max: 1, minExclusive: true, help: 'authors\' schedule: masks recomputed every maskEvery · steps (authors 500 / 400,000)', expected: 'a fraction of the run in (0, 1]' }).default(AUTHORS_MASK_EVERY),
  firstMaskAt: number({ min: 0, max: 1, minExclusive: true, help: 'authors\' schedule: share of the run before the first mask (default: one maskEvery); later masks every maskEvery after it', expected: 'a fraction of the run in (0, 1]' }).optional(),
  l2Lambda: number({ min: 0, max: 1e6, help: 'authors\' schedule: λ of the penalty on masked entries (authors 20)', expected: 'a number >= 0 (at most 1000000)' }).default(20),
  teacherLr: number({ min: 0, max: 1, maxExclusive: true, help: 'peak lr of the inherited teacher weights (authors 1e-6); 0 = frozen', expected: 'a learning rate in [0, 1) (0 = frozen teacher weights)' }).default(1e-6),
  dropout: dropout('dropout on hidden states and attention probabilities while training (authors 0.1)').default(0.1),
  variablePrefix: described(z.string({ error: 'a string' }).max(64, { error: 'a string of at most 64 characters' }), { help: 'tfjs variable-name prefix of the compactors', expected: 'a string' }).optional(),
  seed: seed.optional(),
}).superRefine((o, ctx) => {
  if (o.pruneEnd < o.pruneStart) refuse(ctx, ['pruneEnd'], o.pruneEnd, `a fraction in [pruneStart=${o.pruneStart}, 1]`);
  if (o.target && o.preset) refuse(ctx, ['preset'], o.preset, 'no preset when a target is given (give either target or preset, not both)');
});

// ---- DistilBERT ----

export const distilBertOptionsSchema = z.strictObject({
  target: studentTargetSchema.optional(),
  preset: studentPresetSchema.optional(),
  layerMap: layerMap('teacher layer copied into each student layer; default spreads evenly ([0,2,4,7,9,11] for 12→6)').optional(),
  alpha: z.strictObject({
    ce: lossWeight('soft-target cross-entropy (published 5)').default(5),
    mlm: lossWeight('masked-LM cross-entropy (published 2)').default(2),
    cos: lossWeight('hidden-state cosine (published 1)').default(1),
  }, { error: '{ ce, mlm, cos }' }).prefault({}),
  temperature: temperature('softmax temperature of the soft-target term (published 2); the term is multiplied by T²').default(2),
  ceOn: oneOf(['tokens', 'masked'], 'positions of the soft-target term: every real token (published) or only the MLM-masked ones').default('tokens'),
  dropout: dropout('student dropout on hidden states and attention probabilities (BERT\'s 0.1)').default(0.1),
  seed: seed.optional(),
  tokenTypeEmbeddings: flag('keep (copy and train) the teacher\'s token-type embeddings; the reference student has none').default(false),
}).superRefine((o, ctx) => {
  if (o.alpha.ce + o.alpha.mlm + o.alpha.cos === 0) refuse(ctx, ['alpha'], o.alpha, 'at least one loss weight > 0');
});

// ---- TinyBERT ----

/** How the student starts: the authors' random init, or cut from the teacher (methods/common/teacher-slice.ts). */
export const TINYBERT_INITS = ['from_scratch', 'teacher-slice'] as const;

export const tinyBertOptionsSchema = z.strictObject({
  target: studentTargetSchema.optional(),
  preset: studentPresetSchema.optional(),
  layerMap: layerMap('teacher layer for each student layer; default uniform round((i+1)·L/M) − 1').optional(),
  temperature: temperature('softmax temperature of the prediction term').default(1),
  weights: z.strictObject({
    embedding: lossWeight('MSE of the projected embedding outputs').default(1),
    hidden: lossWeight('MSE of the projected hidden states').default(1),
    attention: lossWeight('MSE of the pre-softmax attention scores').default(1),
    prediction: lossWeight('soft-target CE of the MLM logits (0 in general distillation)').default(0),
  }, { error: '{ embedding, hidden, attention, prediction }' }).prefault({}),
  dropout: dropout('student dropout on hidden states and attention probabilities (BERT\'s 0.1)').default(0.1),
  init: oneOf(TINYBERT_INITS, 'from_scratch: random weights, as the authors\' general distillation; teacher-slice: teacher layer layerMap[i] cut to the student\'s widths, per head on the attention axis (our extension)').default('from_scratch'),
  seed: seed.optional(),
}).superRefine((o, ctx) => {
  if (Object.values(o.weights).every((x) => x === 0)) refuse(ctx, ['weights'], o.weights, 'at least one loss weight > 0');
});

// ---- ALBERT ----

export const albertOptionsSchema = z.strictObject({
  target: studentTargetSchema.optional(),
  preset: studentPresetSchema.optional(),
  embeddingSize: size('E, the factorised embedding\'s width; default hidden·128/768').optional(),
  sharedInit: oneOf(['layer', 'average'], 'how the one shared layer starts: a copy of one teacher layer or the mean of all').default('layer'),
  sharedLayer: teacherLayer.optional(),
  alpha: z.strictObject({
    mlm: lossWeight('masked-LM cross-entropy (ALBERT\'s objective)').default(1),
    kd: lossWeight('logit distillation from the teacher (off by default)').default(0),
    sop: lossWeight('sentence-order prediction (ALBERT\'s objective: MLM + SOP, run_pretraining.py:177)').default(1),
  }, { error: '{ mlm, kd, sop }' }).prefault({}),
  temperature: temperature('softmax temperature of the logit-distillation term (multiplied by T²)').default(2),
  sop: flag('sentence-order prediction on segment pairs of one document; unset: on where the corpus has document boundaries (blank lines, or several files), true: refuse a corpus without them').optional(),
  dropout: dropout('student dropout (ALBERT: 0, its authors found dropout hurt)').default(0),
  seed: seed.optional(),
}).superRefine((o, ctx) => {
  if (o.alpha.mlm + o.alpha.kd === 0) refuse(ctx, ['alpha'], o.alpha, 'at least one loss weight > 0');
});

// ---- MobileBERT ----

export const mobileBertOptionsSchema = z.strictObject({
  target: studentTargetSchema.optional(),
  preset: studentPresetSchema.optional(),
  intraBottleneckSize: size('width inside each block; default hidden / 4 to a multiple of the heads').optional(),
  embeddingSize: size('E of the trigram embedding; default the intra-bottleneck width').optional(),
  intermediateSize: size('FFN width inside a block; default 4 × intra-bottleneck').optional(),
  numFeedforwardNetworks: integer({ min: 1, max: 16, help: 'stacked FFNs per block (paper: 4)' }).default(4),
  normalizationType: oneOf(['no_norm', 'layer_norm'], 'no_norm is the paper\'s operational optimisation (MobileBERT as released)').default('no_norm'),
  hiddenAct: oneOf(['relu', 'gelu', 'gelu_new'], 'activation of the FFNs (released: relu)').default('relu'),
  layerMap: layerMap('teacher layer whose feature map and attention each student layer learns').optional(),
  schedule: oneOf(['progressive', 'joint'], 'layer-wise transfer one layer at a time (see lowerLayers), or all at once').default('progressive'),
  transferFraction: number({ min: 0, max: 1, maxExclusive: true, help: 'share of the step budget spent on layer-wise transfer (authors: 240k of 740k steps)', expected: 'a number in [0, 1)' }).default(0.32),
  lowerLayers: oneOf(['authors', 'frozen', 'full'], 'progressive: while a layer learns, the layers below it train at 0.1 of its rate with the authors\' layer-wise warm-up (authors), get no gradient (frozen, the paper\'s §3.5 wording) or train at the run\'s rate (full)').default('authors'),
  weights: z.strictObject({
    featureMap: lossWeight('feature-map MSE (authors: hidden_distill_factor 100)').default(100),
    attention: lossWeight('attention KL(teacher ‖ student)').default(1),
  }, { error: '{ featureMap, attention }' }).prefault({}),
  alpha: number({ min: 0, max: 1, help: 'pre-training distillation L = α·MLM + (1 − α)·KD', expected: 'a number in [0, 1]' }).default(0.5),
  temperature: temperature('temperature of the KD term').default(1),
  kdOn: oneOf(['masked', 'tokens'], 'positions of the KD term: the MLM-masked ones or every real token').default('masked'),
  hiddenDropout: dropout('student dropout on hidden states (released: 0)').default(0),
  attentionDropout: dropout('student dropout on attention probabilities (released: 0.1)').default(0.1),
  seed: seed.optional(),
}).superRefine((o, ctx) => {
  if (o.transferFraction > 0 && o.weights.featureMap + o.weights.attention === 0) {
    refuse(ctx, ['weights'], o.weights, 'featureMap or attention > 0 for layer-wise transfer (or transferFraction 0)');
  }
});

/** Every method's options schema, by the run-config key that holds them. */
export const METHOD_OPTION_SCHEMAS = {
  wid: widOptionsSchema,
  distilbert: distilBertOptionsSchema,
  tinybert: tinyBertOptionsSchema,
  albert: albertOptionsSchema,
  mobilebert: mobileBertOptionsSchema,
} as const;

export type WidOptionsInput = z.input<typeof widOptionsSchema>;
export type WidOptionsParsed = z.output<typeof widOptionsSchema>;
export type DistilBertOptionsInput = z.input<typeof distilBertOptionsSchema>;
export type DistilBertOptionsParsed = z.output<typeof distilBertOptionsSchema>;
export type TinyBertOptionsInput = z.input<typeof tinyBertOptionsSchema>;
export type TinyBertOptionsParsed = z.output<typeof tinyBertOptionsSchema>;
export type AlbertOptionsInput = z.input<typeof albertOptionsSchema>;
export type AlbertOptionsParsed = z.output<typeof albertOptionsSchema>;
export type MobileBertOptionsInput = z.input<typeof mobileBertOptionsSchema>;
export type MobileBertOptionsParsed = z.output<typeof mobileBertOptionsSchema>;
