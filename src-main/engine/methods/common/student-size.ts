// Student sizes: the `target` config key shared with WID ({ layers, hidden, heads, intermediate }),
// named presets scaled to the teacher, and the student BertConfig built from the teacher's.
import type { BertConfig } from '../../bert/index.js';
import { validateBertConfig } from '../../bert/index.js';
import { PRESET_PARAMETER_RATIO, presetSizes, type WidPreset } from '../wid/target-sizes.js';

export interface StudentTarget {
  layers: number;
  hidden: number;
  heads: number;
  intermediate: number;
}

const TARGET_KEYS: (keyof StudentTarget)[] = ['layers', 'hidden', 'heads', 'intermediate'];

/** The teacher's own size as a target. */
export function teacherSize(teacher: BertConfig): StudentTarget {
  return {
    layers: teacher.numHiddenLayers, hidden: teacher.hiddenSize,
    heads: teacher.numAttentionHeads, intermediate: teacher.intermediateSize,
  };
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
 * A compare group shares one config, so WID's parameter-ratio presets (`wid55`, `wid11`) are accepted too:
 * the baselines then get exactly WID's student shape (teacher depth, WID's width), the fairest comparison.
 */
export type StudentPreset = keyof typeof STUDENT_PRESETS | WidPreset;

function presetTarget(teacher: BertConfig, preset: StudentPreset): StudentTarget {
  if (preset in STUDENT_PRESETS) return STUDENT_PRESETS[preset as keyof typeof STUDENT_PRESETS](teacher);
  const w = presetSizes(teacher, preset as WidPreset);
  return { layers: teacher.numHiddenLayers, hidden: w.hidden, heads: w.heads, intermediate: w.intermediate };
}

export const PRESET_NAMES: StudentPreset[] = [...(Object.keys(STUDENT_PRESETS) as StudentPreset[]), ...(Object.keys(PRESET_PARAMETER_RATIO) as WidPreset[])];

/**
 * Target from the run config: `target` (any subset of the four sizes) over `preset` over `fallback`.
 * Throws naming the key that is not a positive integer, or an unknown preset.
 */
export function resolveStudentTarget(
  teacher: BertConfig, config: { target?: unknown; preset?: unknown }, fallback: StudentPreset,
): StudentTarget {
  let base: StudentTarget;
  if (config.preset === undefined || config.preset === null || config.preset === '') base = presetTarget(teacher, fallback);
  else if (typeof config.preset === 'string' && PRESET_NAMES.includes(config.preset as StudentPreset)) base = presetTarget(teacher, config.preset as StudentPreset);
  else {
    throw new Error(`preset must be one of ${PRESET_NAMES.join(', ')}, got ${JSON.stringify(config.preset)}`);
  }
  if (config.target === undefined || config.target === null) return base;
  if (typeof config.target !== 'object' || Array.isArray(config.target)) {
    throw new Error(`target must be an object { layers, hidden, heads, intermediate }, got ${JSON.stringify(config.target)}`);
  }
  const t = config.target as Record<string, unknown>;
  const out = { ...base };
  for (const key of TARGET_KEYS) {
    const v = t[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
      throw new Error(`target.${key} must be a positive integer, got ${JSON.stringify(v)}`);
    }
    out[key] = v;
  }
  if (out.hidden % out.heads !== 0) {
    throw new Error(`target.hidden (${out.hidden}) must be divisible by target.heads (${out.heads})`);
  }
  return out;
}

/** Student config: the teacher's vocabulary, positions, token types, eps and activation with the target's sizes. */
export function studentConfig(teacher: BertConfig, target: StudentTarget): BertConfig {
  const cfg: BertConfig = {
    ...teacher,
    numHiddenLayers: target.layers,
    hiddenSize: target.hidden,
    numAttentionHeads: target.heads,
    intermediateSize: target.intermediate,
  };
  // the student is an MLM model: no task head sizes, and teacher's raw json keys except sizes are kept by bertConfigToHf
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
