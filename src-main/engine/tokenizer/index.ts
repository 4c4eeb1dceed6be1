export * from './bert-tokenizer.js';
export { readVocabFile, parseVocab, SPECIAL_TOKENS } from './vocab.js';
