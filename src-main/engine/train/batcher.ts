// Turns corpus lines into masked-LM batches. Lines are tokenised with the teacher's tokenizer and
// packed into rows "[CLS] line [SEP] line [SEP]" of at most seqLen tokens: whole lines while they fit;
// a line longer than a row is split across rows (filling the current row first), so no text is
// dropped. A batch holds batchSize rows, or as many rows as fit in batchTokens once padded to the
// batch's longest row.
import * as tf from '@tensorflow/tfjs';
import type { LineCorpus, CorpusPosition } from './corpus.js';
import type { MlmBatch } from './method.js';
import { maskTokens, smoothedMaskTokens } from './masking.js';
import type { Rng } from './rng.js';
import type { SentenceOrderState } from './sentence-order.js';

/** What the batcher needs from a tokenizer (ENGINE's BertTokenizer is adapted to this). */
export interface CorpusTokenizer {
  /** Token ids of `text` without [CLS]/[SEP]. */
  encode(text: string): number[];
  vocabSize: number;
  clsTokenId: number;
  sepTokenId: number;
  padTokenId: number;
  maskTokenId: number;
  /** All ids masking must leave alone (at least cls, sep, pad, mask; usually unk too). */
  specialTokenIds: number[];
}

export interface BatchShape {
  /** Longest row in tokens, including [CLS] and [SEP]. */
  seqLen: number;
  /** Fixed number of rows per batch... */
  batchSize?: number;
  /** ...or a token budget: rows x padded length <= batchTokens. */
  batchTokens?: number;
  /** Padded length: the batch's longest row (default) or always seqLen. */
  padTo?: 'longest' | 'seqLen';
}

/** Resumable batcher state: corpus position plus tokens read but not yet placed in a batch. */
export interface BatcherState {
  corpus: CorpusPosition;
  pendingTokens: number[];
  pendingRow: number[] | null;
  /** The sentence-order batcher's document buffer (sentence-order.ts), when the run makes segment pairs. */
  pairs?: SentenceOrderState;
}

export function validateBatchShape(shape: BatchShape): void {
  if (!Number.isInteger(shape.seqLen) || shape.seqLen < 3) throw new Error(`seqLen must be an integer >= 3, got ${shape.seqLen}`);
  const hasSize = shape.batchSize !== undefined, hasTokens = shape.batchTokens !== undefined;
  if (hasSize === hasTokens) throw new Error('give exactly one of batchSize or batchTokens');
  if (hasSize && !(Number.isInteger(shape.batchSize) && shape.batchSize! >= 1)) throw new Error(`batchSize must be an integer >= 1, got ${shape.batchSize}`);
  if (hasTokens && !(Number.isInteger(shape.batchTokens) && shape.batchTokens! >= shape.seqLen)) {
    throw new Error(`batchTokens must be an integer >= seqLen (${shape.seqLen}), got ${shape.batchTokens}`);
  }
}

/** The corpus position `b` is at or past `a` one whole pass later: every line in between was read. */
export function aPassLater(a: CorpusPosition, b: CorpusPosition): boolean {
  return b.epoch > a.epoch && (b.file > a.file || (b.file === a.file && b.byteOffset >= a.byteOffset));
}

export class MlmBatcher {
  private pendingTokens: number[];
  private pendingRow: number[] | null;
  /** Where the current run of lines that tokenise to nothing began (null while lines give tokens). */
  private emptySince: CorpusPosition | null = null;

  constructor(
    private readonly corpus: LineCorpus,
    private readonly tokenizer: CorpusTokenizer,
    private readonly shape: BatchShape,
    resumeFrom?: Pick<BatcherState, 'pendingTokens' | 'pendingRow'>,
  ) {
    validateBatchShape(shape);
    this.pendingTokens = [...(resumeFrom?.pendingTokens ?? [])];
    this.pendingRow = resumeFrom?.pendingRow ? [...resumeFrom.pendingRow] : null;
  }

  state(): BatcherState {
    return { corpus: this.corpus.position(), pendingTokens: [...this.pendingTokens], pendingRow: this.pendingRow ? [...this.pendingRow] : null };
  }

  /** Next batch of unpadded rows, each starting with [CLS] and ending with [SEP]. */
  async nextRows(): Promise<number[][]> {
    const rows: number[][] = [];
    let longest = 0;
    for (;;) {
      const row = this.pendingRow ?? (await this.nextRow());
      this.pendingRow = null;
      if (this.shape.batchSize !== undefined) {
        rows.push(row);
        if (rows.length === this.shape.batchSize) return rows;
      } else {
        const width = this.shape.padTo === 'seqLen' ? this.shape.seqLen : Math.max(longest, row.length);
        const padded = width * (rows.length + 1);
        if (rows.length > 0 && padded > this.shape.batchTokens!) {
          this.pendingRow = row; // starts the next batch
          return rows;
        }
        rows.push(row);
        longest = Math.max(longest, row.length);
      }
    }
  }

  private async nextRow(): Promise<number[]> {
    const capacity = this.shape.seqLen - 2;
    const content: number[] = [];
    for (;;) {
      if (this.pendingTokens.length === 0) {
        // a line the tokenizer maps to nothing is skipped, but a whole pass of them can never make a batch
        const before = this.corpus.position();
        const ids = this.tokenizer.encode(await this.corpus.nextLine());
        if (ids.length === 0) {
          this.emptySince ??= before;
          if (aPassLater(this.emptySince, this.corpus.position())) {
            throw new Error(`corpus ${this.corpus.path}: no line gives a single token with the teacher's tokenizer (e.g. only control characters), so no batch can be made; last file read: ${this.corpus.currentFile()}`);
          }
        } else {
          this.emptySince = null;
        }
        this.pendingTokens = ids;
        continue;
      }
      if (content.length === 0) {
        content.push(...this.pendingTokens.splice(0, capacity));
      } else if (content.length + 1 + this.pendingTokens.length <= capacity) {
        content.push(this.tokenizer.sepTokenId, ...this.pendingTokens);
        this.pendingTokens = [];
      } else if (this.pendingTokens.length > capacity) {
        // a line longer than a row is split anyway: start it here instead of leaving the row short
        content.push(this.tokenizer.sepTokenId, ...this.pendingTokens.splice(0, capacity - content.length - 1));
        break;
      } else {
        break; // a line that fits a fresh row is not split
      }
      if (content.length >= capacity - 1) break;
    }
    return [this.tokenizer.clsTokenId, ...content, this.tokenizer.sepTokenId];
  }
}

/**
 * Pads rows to the longest (or to `padTo`, e.g. seqLen, for backends that prefer one shape), masks them
 * and builds the MlmBatch tensors (caller disposes them).
 */
export function makeMlmBatch(
  rows: number[][],
  tokenizer: CorpusTokenizer,
  rng: Rng,
  maskProb = 0.15,
  padTo?: number,
  /** DistilBERT's smoothed masking (masking.ts smoothedMaskTokens) when given; else BERT's Bernoulli masking. */
  smoothedWeights?: Float64Array,
  /** Segment pairs (sentence-order.ts): each row's token types and its sentence-order label. */
  pairs?: { tokenTypes: number[][]; labels: number[] },
): { batch: MlmBatch; tokens: number; maskedCount: number } {
  if (!rows.length) throw new Error('makeMlmBatch: no rows');
  const longest = Math.max(...rows.map((r) => r.length));
  if (padTo !== undefined && padTo < longest) throw new Error(`makeMlmBatch: padTo ${padTo} is shorter than the longest row (${longest})`);
  const width = padTo ?? longest;
  const ids = new Int32Array(rows.length * width).fill(tokenizer.padTokenId);
  const mask = new Int32Array(rows.length * width);
  const types = new Int32Array(rows.length * width);
  let tokens = 0;
  rows.forEach((row, r) => {
    ids.set(row, r * width);
    mask.fill(1, r * width, r * width + row.length);
    if (pairs) types.set(pairs.tokenTypes[r], r * width);
    tokens += row.length;
  });
  const maskOpts = { maskTokenId: tokenizer.maskTokenId, vocabSize: tokenizer.vocabSize, specialTokenIds: tokenizer.specialTokenIds, maskProb };
  const masked = smoothedWeights
    ? smoothedMaskTokens(ids, mask, rng, { ...maskOpts, tokenWeights: smoothedWeights })
    : maskTokens(ids, mask, rng, maskOpts);
  const shape: [number, number] = [rows.length, width];
  const batch: MlmBatch = {
    inputIds: tf.tensor2d(masked.inputIds, shape, 'int32'),
    attentionMask: tf.tensor2d(mask, shape, 'int32'),
    tokenTypeIds: tf.tensor2d(types, shape, 'int32'),
    labels: tf.tensor2d(masked.labels, shape, 'int32'),
  };
  if (pairs) batch.sentenceOrderLabels = tf.tensor1d(pairs.labels, 'int32');
  return { batch, tokens, maskedCount: masked.maskedCount };
}

export function disposeMlmBatch(batch: MlmBatch): void {
  tf.dispose([batch.inputIds, batch.attentionMask, batch.tokenTypeIds, batch.labels]);
  batch.sentenceOrderLabels?.dispose();
}
