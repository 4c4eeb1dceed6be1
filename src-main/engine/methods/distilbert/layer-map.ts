// Which teacher layers a DistilBERT student starts from. Sanh et al. took one layer of two from BERT-base:
// teacher layers [0, 2, 4, 7, 9, 11] for 6 student layers. The general rule spreads the student's layers
// evenly from the first to the last teacher layer, round(i·(L-1)/(n-1)), which gives exactly that list for 12→6.

export function defaultDistilBertLayerMap(teacherLayers: number, studentLayers: number): number[] {
  if (studentLayers === 1) return [0];
  return Array.from({ length: studentLayers }, (_, i) => Math.round((i * (teacherLayers - 1)) / (studentLayers - 1)));
}

/** Throws naming the bad entry: one 0-based teacher layer per student layer, each in range. */
export function validateDistilBertLayerMap(layerMap: unknown, teacherLayers: number, studentLayers: number): number[] {
  if (!Array.isArray(layerMap) || layerMap.length !== studentLayers) {
    throw new Error(`distilbert.layerMap must list ${studentLayers} teacher layers (one per student layer), got ${JSON.stringify(layerMap)}`);
  }
  layerMap.forEach((l, i) => {
    if (typeof l !== 'number' || !Number.isInteger(l) || l < 0 || l >= teacherLayers) {
      throw new Error(`distilbert.layerMap[${i}] must be a teacher layer index in 0..${teacherLayers - 1}, got ${JSON.stringify(l)}`);
    }
  });
  return layerMap as number[];
}
