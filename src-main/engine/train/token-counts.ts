// Token frequencies of a corpus for DistilBERT's smoothed masking (train.py reads precomputed counts of
// its whole binarised corpus). We count the first `maxTokens` tokens of the corpus stream: deterministic
// for a given corpus, so a resumed run recomputes the same weights; bounded, so a huge corpus does not
// delay the start (10 M tokens ≈ 20 s at the tokenizer's ~0.5 M tokens/s).
import { LineCorpus } from './corpus.js';
import type { CorpusTokenizer } from './batcher.js';

export const DEFAULT_COUNT_TOKENS = 10_000_000;

export async function corpusTokenCounts(corpusPath: string, tokenizer: CorpusTokenizer, maxTokens = DEFAULT_COUNT_TOKENS): Promise<Uint32Array> {
  const counts = new Uint32Array(tokenizer.vocabSize);
  const corpus = new LineCorpus(corpusPath);
  let seen = 0;
  try {
    while (seen < maxTokens) {
      const line = await corpus.nextLine();
      if (line === null || corpus.position().epoch > 0) break; // one pass at most
      for (const id of tokenizer.encode(line)) {
        if (id >= 0 && id < counts.length) counts[id]++;
        seen++;
      }
    }
  } finally {
    await corpus.close?.();
  }
  return counts;
}
