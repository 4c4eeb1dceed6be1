// A baseline's layer map: one 0-based teacher layer per student layer (DistilBERT copies it, TinyBERT learns from
// it), written like the Hugging Face names `encoder.layer.<i>`.

/** Throws naming the bad entry: one 0-based teacher layer per student layer, each in 0..L-1. */
export function validateLayerMap(method: 'distilbert' | 'tinybert' | 'mobilebert', layerMap: unknown, teacherLayers: number, studentLayers: number): number[] {
  if (!Array.isArray(layerMap) || layerMap.length !== studentLayers) {
    throw new Error(`${method}.layerMap must list ${studentLayers} teacher layers (one per student layer), got ${JSON.stringify(layerMap)}`);
  }
  layerMap.forEach((l, i) => {
    if (typeof l !== 'number' || !Number.isInteger(l) || l < 0 || l >= teacherLayers) {
      throw new Error(`${method}.layerMap[${i}] must be a teacher layer index in 0..${teacherLayers - 1}, got ${JSON.stringify(l)}`);
    }
  });
  return layerMap as number[];
}
