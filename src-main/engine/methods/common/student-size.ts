// Student sizes, for every method: the one target type ({ layers, hidden, heads, intermediate }, the run config's
// `target`), the presets (published shapes scaled to the teacher, and WID's parameter ratios wid55 / wid11), the
// one validator of a target against the teacher, and the student BertConfig built from the teacher's.
// WID keeps depth and shrinks width (docs/wid.md §5); DistilBERT and TinyBERT take any depth (docs/baselines.md).
import { parameterCount, validateBertConfig, type BertConfig } from '../../bert/index.js';

export interface StudentTarget {
  layers: number;
  hidden: number;
  heads: number;
  intermediate: number;
}

/** A target's widths with the head size WID's schedule moves separately (hidden / heads). */
export interface WidSizes {
  hidden: number;
  heads: number;
  headDim: number;
  intermediate: number;
}

/** WID's target: the widths; `layers`, when given (the UI sends it), must equal the teacher's depth. */
export type WidTarget = Omit<StudentTarget, 'layers'> & { layers?: number };
export type WidPreset = 'wid55' | 'wid11';
/** 'dim': keep every head, shrink head size; 'head': keep head size, drop heads; 'any': both. */
export type AttentionStrategy = 'dim' | 'head' | 'any';

const TARGET_KEYS: (keyof StudentTarget)[] = ['layers', 'hidden', 'heads', 'intermediate'];

/** The teacher's own size as a target. */
export function teacherSize(teacher: BertConfig): StudentTarget {
  return {
    layers: teacher.numHiddenLayers, hidden: teacher.hiddenSize,
    heads: teacher.numAttentionHeads, intermediate: teacher.intermediateSize,
  };
}

/** The teacher's widths with its head size. */
export function teacherSizes(cfg: BertConfig): WidSizes {
  const headDim = cfg.hiddenSize / cfg.numAttentionHeads;
  return { hidden: cfg.hiddenSize, heads: cfg.numAttentionHeads, headDim, intermediate: cfg.intermediateSize };
}

/**
 * Student config: the teacher's vocabulary, positions, token types, eps and activation with the target's sizes
 * (depth: the teacher's unless the target gives one). The student is an MLM model: no task-head keys.
 */
export function studentConfig(teacher: BertConfig, target: Omit<StudentTarget, 'layers'> & { layers?: number }): BertConfig {
  const cfg: BertConfig = {
    ...teacher,
    numHiddenLayers: target.layers ?? teacher.numHiddenLayers,
    hiddenSize: target.hidden,
    numAttentionHeads: target.heads,
    intermediateSize: target.intermediate,
  };
  // teacher's raw json keys except sizes and task heads are kept by bertConfigToHf
  delete cfg.numLabels;
  delete cfg.problemType;
  if (teacher.raw) {
    const raw = { ...teacher.raw };
    for (const k of ['num_labels', 'id2label', 'label2id', 'problem_type', 'finetuning_task', '_name_or_path']) delete raw[k];
    cfg.raw = raw;
  }
  validateBertConfig(cfg);
  return cfg;
}

function positiveSize(v: unknown, key: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`target.${key} must be a positive integer, got ${JSON.stringify(v)}`);
  return v;
}

// ---- presets ----

export const PRESET_PARAMETER_RATIO: Record<WidPreset, number> = { wid55: 0.5, wid11: 0.1 };

/** Every (heads, headDim) the strategy allows, with intermediate scaled like hidden. */
function widthCandidates(teacher: BertConfig, strategy: AttentionStrategy): WidSizes[] {
  const t = teacherSizes(teacher);
  const out: WidSizes[] = [];
  for (let heads = 1; heads <= t.heads; heads++) {
    for (let headDim = 1; headDim <= t.headDim; headDim++) {
      if (strategy === 'dim' && heads !== t.heads) continue;
      if (strategy === 'head' && headDim !== t.headDim) continue;
      const hidden = heads * headDim;
      const intermediate = Math.max(1, Math.min(t.intermediate, Math.round((t.intermediate * hidden) / t.hidden)));
      out.push({ hidden, heads, headDim, intermediate });
    }
  }
  return out;
}

/**
 * WID's presets for any teacher: the allowed width whose BertForMaskedLM parameter count is closest to
 * ratio × teacher parameters (intermediate keeps the teacher's intermediate/hidden ratio).
 */
export function presetSizes(teacher: BertConfig, preset: WidPreset, strategy: AttentionStrategy = 'dim'): WidSizes {
  const ratio = PRESET_PARAMETER_RATIO[preset];
  if (ratio === undefined) throw new Error(`preset must be one of ${Object.keys(PRESET_PARAMETER_RATIO).join(', ')}, got ${JSON.stringify(preset)}`);
  const goal = ratio * parameterCount(teacher);
  let best: WidSizes | undefined;
  let bestGap = Infinity;
  for (const c of widthCandidates(teacher, strategy)) {
    const gap = Math.abs(parameterCount(studentConfig(teacher, c)) - goal);
    if (gap < bestGap) { best = c; bestGap = gap; }
  }
  if (!best) throw new Error(`no student width fits attentionStrategy ${JSON.stringify(strategy)}`);
  return best;
}

/** Nearest positive multiple of `m` to `x`. */
function roundToMultiple(x: number, m: number): number {
  return Math.max(m, Math.round(x / m) * m);
}

/**
 * Presets scaled to the teacher (the published shapes are for a 12-layer, 768-hidden, 3072-intermediate BERT-base):
 * - `distilbert`: half depth (floor(L/2), at least 1), teacher width (Sanh et al. 2019: 6L-768H from BERT-base).
 * - `tinybert-4l-312h`: L/3 layers, hidden·312/768 rounded to a multiple of the teacher's heads, intermediate·1200/3072,
 *   teacher's heads (Jiao et al. 2020: 4L-312H-12A-1200I).
 * - `tinybert-6l-768h`: L/2 layers, teacher width and heads (6L-768H-12A-3072I).
 */
export const STUDENT_PRESETS = {
  distilbert: (t: BertConfig): StudentTarget => ({ ...teacherSize(t), layers: Math.max(1, Math.floor(t.numHiddenLayers / 2)) }),
  'tinybert-4l-312h': (t: BertConfig): StudentTarget => ({
    layers: Math.max(1, Math.round(t.numHiddenLayers / 3)),
    hidden: roundToMultiple((t.hiddenSize * 312) / 768, t.numAttentionHeads),
    heads: t.numAttentionHeads,
    intermediate: Math.max(1, Math.round((t.intermediateSize * 1200) / 3072)),
  }),
  'tinybert-6l-768h': (t: BertConfig): StudentTarget => ({ ...teacherSize(t), layers: Math.max(1, Math.round(t.numHiddenLayers / 2)) }),
} satisfies Record<string, (t: BertConfig) => StudentTarget>;

/**
 * A compare group shares one config, so WID's parameter-ratio presets (`wid55`, `wid11`) are accepted by every
 * method: the baselines then get exactly WID's student shape (teacher depth, WID's width), the fairest comparison.
 */
export type StudentPreset = keyof typeof STUDENT_PRESETS | WidPreset;

export const PRESET_NAMES: StudentPreset[] = [...(Object.keys(STUDENT_PRESETS) as StudentPreset[]), ...(Object.keys(PRESET_PARAMETER_RATIO) as WidPreset[])];

function presetTarget(teacher: BertConfig, preset: StudentPreset): StudentTarget {
  if (preset in STUDENT_PRESETS) return STUDENT_PRESETS[preset as keyof typeof STUDENT_PRESETS](teacher);
  const w = presetSizes(teacher, preset as WidPreset);
  return { layers: teacher.numHiddenLayers, hidden: w.hidden, heads: w.heads, intermediate: w.intermediate };
}

// ---- the target a run asks for ----

/**
 * Baselines' target from the run config: `target` (any subset of the four sizes) over `preset` over `fallback`.
 * Throws naming the key that is not a positive integer, or an unknown preset.
 */
export function resolveStudentTarget(
  teacher: BertConfig, config: { target?: unknown; preset?: unknown }, fallback: StudentPreset,
): StudentTarget {
  let base: StudentTarget;
  if (config.preset === undefined || config.preset === null || config.preset === '') base = presetTarget(teacher, fallback);
  else if (typeof config.preset === 'string' && PRESET_NAMES.includes(config.preset as StudentPreset)) base = presetTarget(teacher, config.preset as StudentPreset);
  else throw new Error(`preset must be one of ${PRESET_NAMES.join(', ')}, got ${JSON.stringify(config.preset)}`);
  if (config.target === undefined || config.target === null) return base;
  if (typeof config.target !== 'object' || Array.isArray(config.target)) {
    throw new Error(`target must be an object { layers, hidden, heads, intermediate }, got ${JSON.stringify(config.target)}`);
  }
  const t = config.target as Record<string, unknown>;
  const out = { ...base };
  for (const key of TARGET_KEYS) if (t[key] !== undefined) out[key] = positiveSize(t[key], key);
  if (out.hidden % out.heads !== 0) throw new Error(`target.hidden (${out.hidden}) must be divisible by target.heads (${out.heads})`);
  return out;
}

/** Checks WID's explicit target against the teacher; errors name the field and the allowed range. */
export function validateTarget(teacher: BertConfig, target: WidTarget): WidSizes {
  if (typeof target !== 'object' || target === null) throw new Error(`target must be an object { hidden, heads, intermediate }, got ${JSON.stringify(target)}`);
  const t = teacherSizes(teacher);
  const hidden = positiveSize(target.hidden, 'hidden');
  const heads = positiveSize(target.heads, 'heads');
  const intermediate = positiveSize(target.intermediate, 'intermediate');
  if (target.layers !== undefined && target.layers !== teacher.numHiddenLayers) {
    throw new Error(`target.layers must equal the teacher's numHiddenLayers (${teacher.numHiddenLayers}): WID compresses width and keeps depth; got ${JSON.stringify(target.layers)}`);
  }
  if (hidden > t.hidden) throw new Error(`target.hidden must be at most the teacher's hiddenSize ${t.hidden}, got ${hidden}`);
  if (heads > t.heads) throw new Error(`target.heads must be at most the teacher's numAttentionHeads ${t.heads}, got ${heads}`);
  if (intermediate > t.intermediate) throw new Error(`target.intermediate must be at most the teacher's intermediateSize ${t.intermediate}, got ${intermediate}`);
  if (hidden % heads !== 0) throw new Error(`target.hidden (${hidden}) must be divisible by target.heads (${heads})`);
  const headDim = hidden / heads;
  if (headDim > t.headDim) {
    throw new Error(`target.heads too small: hidden/heads = ${headDim} exceeds the teacher's head size ${t.headDim}; use at least ${Math.ceil(hidden / t.headDim)} heads`);
  }
  return { hidden, heads, headDim, intermediate };
}

export interface TargetRequest {
  target?: WidTarget;
  preset?: WidPreset;
  attentionStrategy?: AttentionStrategy;
}

/** WID's `target` or `preset` (exactly one) as widths, throwing an error that names the field. */
export function resolveTargetSizes(teacher: BertConfig, req: TargetRequest): WidSizes {
  const strategy = req.attentionStrategy ?? 'dim';
  if (!['dim', 'head', 'any'].includes(strategy)) {
    throw new Error(`attentionStrategy must be "dim", "head" or "any", got ${JSON.stringify(strategy)}`);
  }
  if (req.target && req.preset) throw new Error('give either target or preset, not both');
  if (req.target) return validateTarget(teacher, req.target);
  if (req.preset) return presetSizes(teacher, req.preset, strategy);
  throw new Error('WID needs a target { hidden, heads, intermediate } or a preset ("wid55" or "wid11")');
}
