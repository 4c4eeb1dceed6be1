// TinyBERT's uniform layer mapping g(m) = m·L/M (Jiao et al., student layer m = 1..M learns from teacher layer
// g(m), the embeddings from the embeddings), written with 0-based layer indices like DistilBERT's map and the
// Hugging Face names (`encoder.layer.<i>`): student layer i learns from teacher layer round((i+1)·L/M) − 1.
// For L not a multiple of M we round.

export function uniformTinyBertLayerMap(teacherLayers: number, studentLayers: number): number[] {
  return Array.from({ length: studentLayers }, (_, i) => Math.max(1, Math.round(((i + 1) * teacherLayers) / studentLayers)) - 1);
}

/** Throws naming the bad entry: one 0-based teacher layer per student layer, each in 0..L-1. */
export function validateTinyBertLayerMap(layerMap: unknown, teacherLayers: number, studentLayers: number): number[] {
  if (!Array.isArray(layerMap) || layerMap.length !== studentLayers) {
    throw new Error(`tinybert.layerMap must list ${studentLayers} teacher layers (one per student layer), got ${JSON.stringify(layerMap)}`);
  }
  layerMap.forEach((l, i) => {
    if (typeof l !== 'number' || !Number.isInteger(l) || l < 0 || l >= teacherLayers) {
      throw new Error(`tinybert.layerMap[${i}] must be a teacher layer index in 0..${teacherLayers - 1}, got ${JSON.stringify(l)}`);
    }
  });
  return layerMap as number[];
}
