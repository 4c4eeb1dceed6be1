// Which teacher layers a DistilBERT student starts from. Sanh et al. took one layer of two from BERT-base:
// teacher layers [0, 2, 4, 7, 9, 11] for 6 student layers. The general rule spreads the student's layers
// evenly from the first to the last teacher layer, round(i·(L-1)/(n-1)), which gives exactly that list for 12→6.
import { validateLayerMap } from '../common/layer-map.js';

export function defaultDistilBertLayerMap(teacherLayers: number, studentLayers: number): number[] {
  if (studentLayers === 1) return [0];
  return Array.from({ length: studentLayers }, (_, i) => Math.round((i * (teacherLayers - 1)) / (studentLayers - 1)));
}

/** Throws naming the bad entry (common/layer-map.ts). */
export const validateDistilBertLayerMap = (layerMap: unknown, teacherLayers: number, studentLayers: number): number[] =>
  validateLayerMap('distilbert', layerMap, teacherLayers, studentLayers);
