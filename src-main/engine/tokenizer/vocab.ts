// vocab.txt: one WordPiece token per line, the line number (from 0) is its id — as HF's load_vocab reads it.
import { readFileSync } from 'node:fs';

export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

/** Tokens in id order. A trailing newline does not add an empty token. */
export function parseVocab(text: string, label = 'vocab.txt'): string[] {
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  if (!lines.length) throw new Error(`${label} is empty: expected one WordPiece token per line`);
  return lines;
}

export function readVocabFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read vocabulary file ${path}: ${(e as Error).message}`);
  }
  const vocab = parseVocab(text, path);
  for (const t of SPECIAL_TOKENS) {
    if (!vocab.includes(t)) throw new Error(`vocabulary file ${path} lacks the special token ${t} that BERT needs`);
  }
  return vocab;
}
