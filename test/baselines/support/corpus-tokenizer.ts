// The teacher's WordPiece tokenizer in the shape the MLM batcher wants (no [CLS]/[SEP] added).
import type { BertTokenizer } from '../../../src-main/engine/tokenizer/index.js';
import type { CorpusTokenizer } from '../../../src-main/engine/train/batcher.js';

export function corpusTokenizer(tok: BertTokenizer): CorpusTokenizer {
  return {
    encode: (text) => tok.tokenize(text).map((t) => tok.tokenToId(t)),
    vocabSize: tok.vocabSize,
    clsTokenId: tok.clsId,
    sepTokenId: tok.sepId,
    padTokenId: tok.padId,
    maskTokenId: tok.maskId,
    specialTokenIds: [tok.clsId, tok.sepId, tok.padId, tok.maskId, tok.unkId],
  };
}
