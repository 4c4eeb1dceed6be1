// TinyBERT's uniform layer mapping g(m) = m·L/M: student layer m (1-based) learns from teacher layer g(m),
// and the embedding layer from the teacher's embeddings (g(0) = 0). For L not a multiple of M we round.

export function uniformTinyBertLayerMap(teacherLayers: number, studentLayers: number): number[] {
  return Array.from({ length: studentLayers }, (_, i) => Math.max(1, Math.round(((i + 1) * teacherLayers) / studentLayers)));
}

/** Throws naming the bad entry: one 1-based teacher layer per student layer, each in 1..L. */
export function validateTinyBertLayerMap(layerMap: unknown, teacherLayers: number, studentLayers: number): number[] {
  if (!Array.isArray(layerMap) || layerMap.length !== studentLayers) {
    throw new Error(`tinybert.layerMap must list ${studentLayers} teacher layers (1-based, one per student layer), got ${JSON.stringify(layerMap)}`);
  }
  layerMap.forEach((l, i) => {
    if (typeof l !== 'number' || !Number.isInteger(l) || l < 1 || l > teacherLayers) {
      throw new Error(`tinybert.layerMap[${i}] must be a 1-based teacher layer in 1..${teacherLayers}, got ${JSON.stringify(l)}`);
    }
  });
  return layerMap as number[];
}
