// Sentence-order pairs, ALBERT's second pre-training task (Lan et al. 2020 §3.1; google-research/albert
// create_pretraining_data.py:266-380): two consecutive segments A, B of one document — a document ends at a blank
// line and at the end of a file — as the row "[CLS] A [SEP] B [SEP]" with token types 0 up to the first [SEP] and
// 1 after it; with probability 0.5 the two are swapped. Label 0 = in order, 1 = swapped (create_pretraining_data.py:163,
// transformers' AlbertForPreTraining `sentence_order_label`). A chunk of the document's lines is filled to the row's
// length, split after a random line (a_end, :303-305), the longer segment cut at a random end (truncate_seq_pair).
// Deviation: a chunk of one line is split at a random token (ALBERT takes B from another document there, which makes
// it a random-next pair, not an order question); a line that tokenises to nothing is skipped.
import type { BatchShape, CorpusTokenizer } from './batcher.js';
import { aPassLater } from './batcher.js';
import { LineCorpus, type CorpusPosition } from './corpus.js';
import type { Rng } from './rng.js';

export interface PairRow {
  ids: number[];
  tokenTypes: number[];
  /** 0: A precedes B in the document; 1: swapped. */
  label: 0 | 1;
}

/** Lines read but not yet paired: the rest of the current document, and the first line of the next one. */
export interface SentenceOrderState {
  lines: number[][];
  next: number[] | null;
  inDocument: boolean;
  pending: PairRow | null;
}

/** Whether a corpus has document boundaries: several files, or a blank line between two lines of text in one. */
export async function corpusHasDocuments(path: string): Promise<boolean> {
  const corpus = new LineCorpus(path);
  try {
    for (let first = true; ; first = false) {
      await corpus.nextLine();
      const pos = corpus.position();
      if (pos.file > 0) return true; // a second file: each file is a document
      if (pos.epoch > 0) return false; // the one file read through without a blank line between text
      if (!first && corpus.startedDocument()) return true;
    }
  } finally {
    await corpus.close();
  }
}

export class SentenceOrderBatcher {
  private s: SentenceOrderState;
  /** Where the current run of chunks that make no pair began (null while pairs come). */
  private failingSince: CorpusPosition | null = null;

  constructor(private readonly corpus: LineCorpus, private readonly tokenizer: CorpusTokenizer, private readonly shape: BatchShape,
    private readonly rng: Rng, resumeFrom?: SentenceOrderState) {
    this.s = resumeFrom ? structuredClone(resumeFrom) : { lines: [], next: null, inDocument: false, pending: null };
  }

  state(): SentenceOrderState {
    return structuredClone(this.s);
  }

  /** The next batch: batchSize pairs, or as many as fit batchTokens once padded to the longest. */
  async nextPairs(): Promise<PairRow[]> {
    const rows: PairRow[] = [];
    let longest = 0;
    for (;;) {
      const row = this.s.pending ?? (await this.nextPair());
      this.s.pending = null;
      if (this.shape.batchSize !== undefined) {
        rows.push(row);
        if (rows.length === this.shape.batchSize) return rows;
        continue;
      }
      const width = this.shape.padTo === 'seqLen' ? this.shape.seqLen : Math.max(longest, row.ids.length);
      if (rows.length > 0 && width * (rows.length + 1) > this.shape.batchTokens!) {
        this.s.pending = row;
        return rows;
      }
      rows.push(row);
      longest = Math.max(longest, row.ids.length);
    }
  }

  private async nextPair(): Promise<PairRow> {
    const target = this.shape.seqLen - 3; // [CLS], [SEP], [SEP]
    for (;;) {
      const before = this.corpus.position();
      const chunk: number[][] = [];
      let length = 0, ended = false;
      while (length < target) {
        const line = await this.lineOfDocument();
        if (!line) { ended = true; break; }
        chunk.push(line);
        length += line.length;
      }
      if (ended) this.openNextDocument();
      const split = this.split(chunk);
      if (split) {
        this.failingSince = null;
        return this.row(split[0], split[1]);
      }
      this.failingSince ??= before;
      if (aPassLater(this.failingSince, this.corpus.position())) {
        throw new Error(`corpus ${this.corpus.path}: no document gives two segments for sentence-order prediction ` +
          '(documents are separated by blank lines; each needs two lines, or one line of two tokens)');
      }
    }
  }

  /** A and B: the chunk split after a random line, or a one-line chunk at a random token; null when it cannot be. */
  private split(chunk: number[][]): [number[], number[]] | null {
    if (chunk.length >= 2) {
      const aEnd = 1 + this.rng.nextInt(chunk.length - 1);
      return [chunk.slice(0, aEnd).flat(), chunk.slice(aEnd).flat()];
    }
    if (chunk.length === 1 && chunk[0].length >= 2) {
      const at = 1 + this.rng.nextInt(chunk[0].length - 1);
      return [chunk[0].slice(0, at), chunk[0].slice(at)];
    }
    return null;
  }

  private row(a: number[], b: number[]): PairRow {
    const max = this.shape.seqLen - 3;
    // truncate_seq_pair: cut the longer segment, at its front or back at random, until the pair fits
    while (a.length + b.length > max) {
      const longer = a.length > b.length ? a : b;
      if (this.rng.next() < 0.5) longer.shift(); else longer.pop();
    }
    const swapped = this.rng.next() < 0.5;
    const [first, second] = swapped ? [b, a] : [a, b];
    const { clsTokenId: cls, sepTokenId: sep } = this.tokenizer;
    return {
      ids: [cls, ...first, sep, ...second, sep],
      tokenTypes: [...new Array<number>(first.length + 2).fill(0), ...new Array<number>(second.length + 1).fill(1)],
      label: swapped ? 1 : 0,
    };
  }

  /** The next line of the current document, or null at its end (the following document's first line is kept). */
  private async lineOfDocument(): Promise<number[] | null> {
    if (this.s.lines.length) return this.s.lines.shift()!;
    if (this.s.next) return null;
    for (;;) {
      const ids = this.tokenizer.encode(await this.corpus.nextLine());
      const starts = this.corpus.startedDocument();
      if (starts && this.s.inDocument) {
        if (ids.length) { this.s.next = ids; return null; }
        // an empty first line still ends the document
        this.s.inDocument = false;
        return null;
      }
      this.s.inDocument = true;
      if (ids.length) return ids;
    }
  }

  private openNextDocument(): void {
    if (this.s.next) {
      this.s.lines = [this.s.next];
      this.s.next = null;
      this.s.inDocument = true;
    }
  }
}
