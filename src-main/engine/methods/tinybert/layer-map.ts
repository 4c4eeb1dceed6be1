// TinyBERT's uniform layer mapping g(m) = m·L/M (Jiao et al., student layer m = 1..M learns from teacher layer
// g(m), the embeddings from the embeddings), written with 0-based layer indices like DistilBERT's map and the
// Hugging Face names (`encoder.layer.<i>`): student layer i learns from teacher layer round((i+1)·L/M) − 1.
// For L not a multiple of M we round.
import { validateLayerMap } from '../common/layer-map.js';

export function uniformTinyBertLayerMap(teacherLayers: number, studentLayers: number): number[] {
  return Array.from({ length: studentLayers }, (_, i) => Math.max(1, Math.round(((i + 1) * teacherLayers) / studentLayers)) - 1);
}

/** Throws naming the bad entry (common/layer-map.ts). */
export const validateTinyBertLayerMap = (layerMap: unknown, teacherLayers: number, studentLayers: number): number[] =>
  validateLayerMap('tinybert', layerMap, teacherLayers, studentLayers);
