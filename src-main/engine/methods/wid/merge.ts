// Re-parameterisation (docs/wid.md §4): compactor × weight × compactor evaluated once into a dense,
// smaller BertForMaskedLM with standard HF names and shapes, ready for the checkpoint writer.
import * as tf from '@tensorflow/tfjs';
import { BertConfig, BertWeights } from '../../bert/index.js';
import { Compactors } from './compactors.js';
import { WidMasks } from './masks.js';
import { disposeMaskIndexTensors, effectiveWeights, maskIndexTensors } from './effective-weights.js';

export const INHERITED_HEADS_KEY = 'wid_inherited_heads';

/** The merged student; every tensor is new and owned by the caller (teacher tensors are cloned). */
export function mergeStudent(
  teacher: BertWeights, teacherCfg: BertConfig, compactors: Compactors, masks: WidMasks,
): { config: BertConfig; weights: BertWeights } {
  const idx = maskIndexTensors(teacherCfg, masks);
  try {
    let config: BertConfig | undefined;
    const weights = tf.tidy(() => {
      const m = effectiveWeights(teacher, teacherCfg, compactors, masks, idx);
      config = m.config;
      const out: BertWeights = {};
      for (const [name, t] of Object.entries(m.weights)) out[name] = tf.clone(t);
      return out;
    });
    const raw = { ...(teacherCfg.raw ?? {}) };
    for (const k of ['hidden_size', 'num_attention_heads', 'intermediate_size', 'architectures', '_name_or_path']) delete raw[k];
    // which teacher head each student head was inherited from (config.json extra key; transformers keeps
    // unknown keys), so attention views can pair every student head with its teacher head
    raw[INHERITED_HEADS_KEY] = masks.heads.map((hs) => [...hs]);
    return { config: { ...config!, raw }, weights };
  } finally {
    disposeMaskIndexTensors(idx);
  }
}
