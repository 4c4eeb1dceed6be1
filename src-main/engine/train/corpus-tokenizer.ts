// Adapts ENGINE's BertTokenizer (the teacher's vocab.txt) to the batcher's CorpusTokenizer.
import type { BertTokenizer } from '../tokenizer/index.js';
import type { CorpusTokenizer } from './batcher.js';

export function corpusTokenizerFrom(tokenizer: BertTokenizer): CorpusTokenizer {
  return {
    encode: (text) => tokenizer.encode(text, undefined, { addSpecialTokens: false }).inputIds,
    vocabSize: tokenizer.vocabSize,
    clsTokenId: tokenizer.clsId,
    sepTokenId: tokenizer.sepId,
    padTokenId: tokenizer.padId,
    maskTokenId: tokenizer.maskId,
    specialTokenIds: [tokenizer.padId, tokenizer.unkId, tokenizer.clsId, tokenizer.sepId, tokenizer.maskId],
  };
}
