// A word-level stand-in tokenizer for loop tests that must not depend on a vocabulary file:
// lower-cased words and punctuation hashed into ids [5, vocabSize). Ids 0-4 are the specials.
import type { CorpusTokenizer } from '../../../src-main/engine/train/batcher.js';

export function wordTokenizer(vocabSize = 64): CorpusTokenizer {
  return {
    vocabSize,
    padTokenId: 0, unkTokenId: 1, clsTokenId: 2, sepTokenId: 3, maskTokenId: 4,
    specialTokenIds: [0, 1, 2, 3, 4],
    encode(text: string): number[] {
      return (text.toLowerCase().match(/[a-z]+|[^\sa-z]/g) ?? []).map((w) => {
        let h = 2166136261;
        for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w.charCodeAt(i), 16777619) >>> 0;
        return 5 + (h % (vocabSize - 5));
      });
    },
  } as CorpusTokenizer;
}
