// Building blocks of the run-config schemas (run-config.ts, glue-config.ts, method-options.ts): a field is a zod 4
// schema carrying its help, unit and `expected` (what completes "field: expected …, got …") as meta, so the parser,
// the TypeScript types, the service's bounds and the wizard's limits all come from one declaration.
import * as z from 'zod';

/** What a field is, for the form and the messages: `expected` completes "field: expected …, got …". */
export interface FieldMeta { help: string; unit?: string; expected: string }

export const described = <T extends z.ZodType>(schema: T, meta: FieldMeta): T => schema.meta({ ...meta });

export function integer(o: { min: number; max: number; help: string; unit?: string; expected?: string }) {
  const expected = o.expected ?? `an integer from ${o.min} to ${o.max}`;
  const e = { error: expected };
  return described(z.number(e).int(e).min(o.min, e).max(o.max, e), { help: o.help, unit: o.unit, expected });
}

/** A finite number (zod 4's z.number refuses Infinity and NaN: 1e999 arrives as Infinity). */
export function number(o: { min: number; max: number; minExclusive?: boolean; maxExclusive?: boolean; help: string; unit?: string; expected: string }) {
  const e = { error: o.expected };
  let s = z.number(e);
  if (o.min !== -Infinity) s = o.minExclusive ? s.gt(o.min, e) : s.min(o.min, e);
  if (o.max !== Infinity) s = o.maxExclusive ? s.lt(o.max, e) : s.max(o.max, e);
  return described(s, { help: o.help, unit: o.unit, expected: o.expected });
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T, help: string, expected?: string) {
  const text = expected ?? `one of ${values.map((v) => `"${v}"`).join(', ')}`;
  return described(z.enum(values, { error: text }), { help, expected: text });
}

export function flag(help: string) {
  return described(z.boolean({ error: 'true or false' }), { help, expected: 'true or false' });
}

export const BACKENDS = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export const MAX_SEED = 2 ** 31 - 1;

export const backend = oneOf(BACKENDS, 'tfjs backend: auto picks the fastest one that works on this machine', `one of ${BACKENDS.join(', ')}`).default('auto');
export const PRECISIONS = ['auto', 'fp32', 'f16-tc'] as const;
export const LOSS_SCALINGS = ['auto', 'off', 'dynamic'] as const;

/** The training step's matmul precision (docs/precision.md); weights and optimiser state stay fp32 either way. */
export const precision = oneOf(PRECISIONS,
  'precision of the training step\'s matmuls: auto = f16-tc where the webgpu device has tensor cores (shader-f16 + subgroup matrices), else fp32; ' +
  'f16-tc = f16 tiles with f32 accumulation, fp32 master weights and optimiser state (refused where the backend cannot); fp32 = fp32 everywhere',
  `one of ${PRECISIONS.join(', ')}`).default('auto');

/** Dynamic loss scaling (train/loss-scale.ts, torch.amp.GradScaler's algorithm and defaults). */
export const lossScaling = oneOf(LOSS_SCALINGS,
  'loss scaling: auto = dynamic when the step runs in f16-tc, off in fp32; dynamic = the loss times a scale (2^16 at first) before the backward pass, ' +
  'a step with inf/NaN gradients skipped and the scale halved, doubled after 2000 clean steps (torch.amp.GradScaler\'s defaults); off = none',
  `one of ${LOSS_SCALINGS.join(', ')}`).default('auto');

export const seed = integer({ min: 0, max: MAX_SEED, help: 'seeds data order, masking, dropout and initialisation' });
export const registeredId = (help: string) => described(z.number({ error: 'a positive integer id' }).int({ error: 'a positive integer id' }).positive({ error: 'a positive integer id' }), { help, expected: 'a positive integer id' });
export const folderPath = (help: string) => described(z.string({ error: 'a folder path' }).trim().min(1, { error: 'a folder path' }), { help, expected: 'a folder path' });

/**
 * Keys the service adds or any run may carry (registered ids and the paths they resolve to): every job's schema
 * accepts them, so a job's own keys plus these are the whole config and anything else is an unknown option.
 */
export const commonKeys = {
  teacherModelId: registeredId('id of a registered teacher model').nullable().optional(),
  datasetId: registeredId('id of a registered dataset').nullable().optional(),
  modelId: registeredId('id of a registered model').nullable().optional(),
  teacherPath: folderPath('the teacher\'s folder (the service sets it from teacherModelId)').optional(),
  corpusPath: folderPath('the corpus file or folder (the service sets it from datasetId)').optional(),
  gluePath: folderPath('the GLUE folder (the service sets it from datasetId)').optional(),
  modelPath: folderPath('the model\'s folder (the service sets it from modelId)').optional(),
};

/** Per field: bounds, default, unit and help, as the wizard shows them. */
export interface FieldLimits {
  min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean; integer: boolean;
  default?: unknown; unit?: string; help?: string; expected?: string;
  /** The allowed values of a choice. */
  values?: string[];
}

/** The limits of every top-level field of an object schema, from zod's JSON Schema (input side: defaults shown). */
export function limitsOf(schema: z.ZodType): Record<string, FieldLimits> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, Record<string, unknown>> };
  const out: Record<string, FieldLimits> = {};
  for (const [key, p] of Object.entries(json.properties ?? {})) out[key] = fieldLimits(p);
  return out;
}

function fieldLimits(p: Record<string, unknown>): FieldLimits {
  // an optional-or-null field is { anyOf: [field, { type: 'null' }] }: its limits are the field's
  const inner = Array.isArray(p.anyOf) ? ((p.anyOf as Record<string, unknown>[]).find((x) => x.type !== 'null') ?? p) : p;
  const lim: FieldLimits = {
    integer: inner.type === 'integer', default: p.default ?? inner.default,
    unit: (p.unit ?? inner.unit) as string | undefined, help: (p.help ?? inner.help) as string | undefined, expected: (p.expected ?? inner.expected) as string | undefined,
  };
  if (typeof inner.minimum === 'number') lim.min = inner.minimum;
  if (typeof inner.exclusiveMinimum === 'number') { lim.min = inner.exclusiveMinimum; lim.minExclusive = true; }
  if (typeof inner.maximum === 'number') lim.max = inner.maximum;
  if (typeof inner.exclusiveMaximum === 'number') { lim.max = inner.exclusiveMaximum; lim.maxExclusive = true; }
  if (Array.isArray(inner.enum)) lim.values = inner.enum as string[];
  return lim;
}
