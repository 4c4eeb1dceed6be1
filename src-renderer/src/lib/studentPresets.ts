// Target-size presets the engine scales to the teacher (methods/common/student-size.ts),
// offered per method: WID keeps the teacher's depth, so only its parameter-ratio presets apply to it (and to a
// compare group, which shares one config).
export type DistillMethod = 'wid' | 'distilbert' | 'tinybert' | 'albert' | 'mobilebert';

export interface PresetOption { value: string; label: string }

const ALL: Record<string, string> = {
  wid55: 'WID-55: teacher depth, about 50% of its parameters',
  wid11: 'WID-11: teacher depth, about 10% of its parameters',
  distilbert: 'DistilBERT: half the teacher\'s layers, teacher width',
  'tinybert-4l-312h': 'TinyBERT-4: a third of the layers, width × 312/768',
  'tinybert-6l-768h': 'TinyBERT-6: half the layers, teacher width',
};

const BY_METHOD: Record<DistillMethod, string[]> = {
  wid: ['wid55', 'wid11'],
  distilbert: ['distilbert', 'tinybert-4l-312h', 'wid55', 'wid11'],
  tinybert: ['tinybert-4l-312h', 'tinybert-6l-768h', 'distilbert', 'wid55', 'wid11'],
  // default WID-55's shape, so they meet WID at its size (methods/albert, methods/mobilebert setup.ts)
  albert: ['wid55', 'wid11', 'distilbert', 'tinybert-4l-312h', 'tinybert-6l-768h'],
  mobilebert: ['wid55', 'wid11', 'distilbert', 'tinybert-4l-312h', 'tinybert-6l-768h'],
};

/** Presets valid for every method in `methods` (a compare group gets the ones all three accept). */
export function presetOptions(methods: DistillMethod[]): PresetOption[] {
  const keys = methods.length ? BY_METHOD[methods[0]].filter((k) => methods.every((m) => BY_METHOD[m].includes(k))) : [];
  return keys.map((value) => ({ value, label: ALL[value] }));
}
