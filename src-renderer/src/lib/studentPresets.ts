// Target-size presets the engine scales to the teacher (methods/common/student-size.ts), offered per method as its
// schema accepts them (shared/api/method-options.ts: WID keeps the teacher's depth, so only its parameter-ratio
// presets; a compare group, which shares one config, gets the ones all its methods accept). The labels and the order
// they are offered in are the wizard's; the names are the schema's.
import { METHOD_OPTION_SCHEMAS, STUDENT_PRESET_NAMES } from '../../../src-main/shared/api/method-options.js';
import { methodOptionLimits } from '../../../src-main/shared/api/run-config.js';

export type DistillMethod = keyof typeof METHOD_OPTION_SCHEMAS;
export type StudentPresetName = (typeof STUDENT_PRESET_NAMES)[number];

export interface PresetOption { value: StudentPresetName; label: string }

/** One label per preset the schema knows (a preset added to STUDENT_PRESET_NAMES without a label fails the typecheck). */
export const PRESET_LABELS: Record<StudentPresetName, string> = {
  wid55: 'WID-55: teacher depth, about 50% of its parameters',
  wid11: 'WID-11: teacher depth, about 10% of its parameters',
  distilbert: 'DistilBERT: half the teacher\'s layers, teacher width',
  'tinybert-4l-312h': 'TinyBERT-4: a third of the layers, width × 312/768',
  'tinybert-6l-768h': 'TinyBERT-6: half the layers, teacher width',
};

/** Offered first for a method: its own published shapes (ALBERT and MobileBERT default to WID-55's shape, so they meet WID at its size). */
const FIRST: Record<DistillMethod, StudentPresetName[]> = {
  wid: ['wid55', 'wid11'],
  distilbert: ['distilbert'],
  tinybert: ['tinybert-4l-312h', 'tinybert-6l-768h'],
  albert: ['wid55', 'wid11'],
  mobilebert: ['wid55', 'wid11'],
};

/** The presets `method`'s schema accepts, its own first, then in the schema's order. */
export function acceptedPresets(method: DistillMethod): StudentPresetName[] {
  const accepted = (methodOptionLimits[method].preset?.values ?? []) as StudentPresetName[];
  return [...FIRST[method].filter((p) => accepted.includes(p)), ...accepted.filter((p) => !FIRST[method].includes(p))];
}

/** Presets valid for every method in `methods` (a compare group gets the ones all of them accept). */
export function presetOptions(methods: DistillMethod[]): PresetOption[] {
  const keys = methods.length ? acceptedPresets(methods[0]).filter((k) => methods.every((m) => acceptedPresets(m).includes(k))) : [];
  return keys.map((value) => ({ value, label: PRESET_LABELS[value] }));
}
