// Student widths WID can reach from a teacher: explicit targets, the wid55 / wid11 presets, and the
// BertConfig of a student of given widths. WID keeps depth and shrinks width (docs/wid.md §5).
import { BertConfig, parameterCount, validateBertConfig } from '../../bert/index.js';

export interface WidSizes {
  hidden: number;
  heads: number;
  /** hidden / heads; kept explicit because the schedule moves heads and headDim separately. */
  headDim: number;
  intermediate: number;
}

export interface WidTarget {
  hidden: number;
  heads: number;
  intermediate: number;
  /** Must equal the teacher's depth when given (the UI sends it). */
  layers?: number;
}

export type WidPreset = 'wid55' | 'wid11';
/** 'dim': keep every head, shrink head size; 'head': keep head size, drop heads; 'any': both. */
export type AttentionStrategy = 'dim' | 'head' | 'any';

export const PRESET_PARAMETER_RATIO: Record<WidPreset, number> = { wid55: 0.5, wid11: 0.1 };

export function teacherSizes(cfg: BertConfig): WidSizes {
  const headDim = cfg.hiddenSize / cfg.numAttentionHeads;
  return { hidden: cfg.hiddenSize, heads: cfg.numAttentionHeads, headDim, intermediate: cfg.intermediateSize };
}

/** The teacher config with the given widths (same depth, vocab, positions, activation, raw extras). */
export function studentConfig(teacher: BertConfig, sizes: WidSizes): BertConfig {
  const cfg: BertConfig = {
    ...teacher,
    hiddenSize: sizes.hidden,
    numAttentionHeads: sizes.heads,
    intermediateSize: sizes.intermediate,
  };
  validateBertConfig(cfg);
  return cfg;
}

function positiveInt(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new Error(`${field} must be a positive integer, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** Checks an explicit target against the teacher; errors name the field and the allowed range. */
export function validateTarget(teacher: BertConfig, target: WidTarget): WidSizes {
  if (typeof target !== 'object' || target === null) throw new Error(`target must be an object { hidden, heads, intermediate }, got ${JSON.stringify(target)}`);
  const t = teacherSizes(teacher);
  const hidden = positiveInt(target.hidden, 'target.hidden');
  const heads = positiveInt(target.heads, 'target.heads');
  const intermediate = positiveInt(target.intermediate, 'target.intermediate');
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

/** Every (heads, headDim) the strategy allows, with intermediate scaled like hidden. */
function candidates(teacher: BertConfig, strategy: AttentionStrategy): WidSizes[] {
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
 * Preset sizes for any teacher: the allowed width whose BertForMaskedLM parameter count is closest to
 * ratio × teacher parameters (intermediate keeps the teacher's intermediate/hidden ratio).
 */
export function presetSizes(teacher: BertConfig, preset: WidPreset, strategy: AttentionStrategy = 'dim'): WidSizes {
  const ratio = PRESET_PARAMETER_RATIO[preset];
  if (ratio === undefined) throw new Error(`preset must be one of ${Object.keys(PRESET_PARAMETER_RATIO).join(', ')}, got ${JSON.stringify(preset)}`);
  const goal = ratio * parameterCount(teacher);
  let best: WidSizes | undefined;
  let bestGap = Infinity;
  for (const c of candidates(teacher, strategy)) {
    const gap = Math.abs(parameterCount(studentConfig(teacher, c)) - goal);
    if (gap < bestGap) { best = c; bestGap = gap; }
  }
  if (!best) throw new Error(`no student width fits attentionStrategy ${JSON.stringify(strategy)}`);
  return best;
}

export interface TargetRequest {
  target?: WidTarget;
  preset?: WidPreset;
  attentionStrategy?: AttentionStrategy;
}

/** Resolves `target` or `preset` (exactly one) to sizes, throwing an error that names the field. */
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
