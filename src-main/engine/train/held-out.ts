// A held-out masked-LM score for distillation students: the last lines of the corpus are set aside (the
// distillation reads only the lines before them), packed into full [batch, seq] rows and masked once with a fixed
// seed, so every model and every evaluation sees the same positions. Used by the distill job's `heldOutEvery`
// (the student's held-out MLM loss beside its training loss) and by bench/criterion.ts.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { familyOps, type FamilyModel } from '../model-family/index.js';
import { maskedLmLoss } from '../bert/mlm-loss.js';
import { MlmBatcher, type CorpusTokenizer } from './batcher.js';
import { corpusTextFiles, LineCorpus } from './corpus.js';
import { IGNORE_LABEL, maskTokens } from './masking.js';
import { Rng } from './rng.js';

export interface HeldOutBatch { inputIds: Int32Array; attentionMask: Int32Array; labels: Int32Array; rows: number; seq: number }
export interface HeldOutScore { loss: number; accuracy: number; tokens: number }

const HAS_TEXT = /\S/;

/**
 * Writes <dir>/train.txt (every line but the last `holdoutLines` lines with text) and <dir>/heldout.txt (those
 * lines). A folder corpus is read as its files joined in sorted order (the order the distillation reads them).
 * Files already in `dir` are kept (a resumed run splits the same way). Throws naming the corpus when it is too short.
 */
export function splitCorpusTail(corpus: string, holdoutLines: number, dir: string): { trainPath: string; holdoutPath: string } {
  const trainPath = join(dir, 'train.txt'), holdoutPath = join(dir, 'heldout.txt');
  if (existsSync(trainPath) && existsSync(holdoutPath)) return { trainPath, holdoutPath };
  if (!Number.isInteger(holdoutLines) || holdoutLines < 1) throw new Error(`held-out lines must be an integer >= 1, got ${holdoutLines}`);
  const lines = corpusTextFiles(corpus).map((f) => readFileSync(f, 'utf8')).join('\n').split('\n');
  let cut = lines.length, kept = 0;
  while (cut > 0 && kept < holdoutLines) { cut--; if (HAS_TEXT.test(lines[cut])) kept++; }
  const before = lines.slice(0, cut).filter((l) => HAS_TEXT.test(l)).length;
  if (kept < holdoutLines || before < holdoutLines) {
    throw new Error(`corpus ${corpus}: ${kept + before} lines with text, too few to hold out ${holdoutLines} and train on the rest (at least as many)`);
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(trainPath, lines.slice(0, cut).join('\n'));
  writeFileSync(holdoutPath, lines.slice(cut).join('\n'));
  return { trainPath, holdoutPath };
}

/** Lines with text in a corpus (file or folder). */
export function countTextLines(corpus: string): number {
  let n = 0;
  for (const f of corpusTextFiles(corpus)) for (const l of readFileSync(f, 'utf8').split('\n')) if (HAS_TEXT.test(l)) n++;
  return n;
}

/** Full [batch, seq] rows of held-out text, masked once with a fixed seed, so every model sees the same positions. */
export async function heldOutBatches(tokenizer: CorpusTokenizer, holdoutPath: string, batch: number, seq: number, count: number, seed: number): Promise<HeldOutBatch[]> {
  const corpus = new LineCorpus(holdoutPath);
  const batcher = new MlmBatcher(corpus, tokenizer, { seqLen: seq, batchSize: batch, padTo: 'seqLen' });
  const rng = new Rng(seed + 1000);
  const out: HeldOutBatch[] = [];
  try {
    for (let b = 0; b < count; b++) {
      const rows = await batcher.nextRows();
      const ids = new Int32Array(batch * seq).fill(tokenizer.padTokenId), mask = new Int32Array(batch * seq);
      rows.forEach((r, i) => { ids.set(r, i * seq); mask.fill(1, i * seq, i * seq + r.length); });
      const m = maskTokens(ids, mask, rng, { maskTokenId: tokenizer.maskTokenId, vocabSize: tokenizer.vocabSize, specialTokenIds: tokenizer.specialTokenIds });
      out.push({ inputIds: m.inputIds, attentionMask: mask, labels: m.labels, rows: batch, seq });
    }
  } finally {
    await corpus.close();
  }
  return out;
}

/** Token-weighted mean MLM loss and masked-token accuracy of a model of any family with its MLM head (no dropout) on the batches. */
export async function scoreHeldOut(model: FamilyModel, batches: HeldOutBatch[]): Promise<HeldOutScore> {
  let lossSum = 0, correct = 0, tokens = 0;
  for (const b of batches) {
    const n = b.labels.reduce((k, l) => k + (l === IGNORE_LABEL ? 0 : 1), 0);
    if (n === 0) continue;
    const [loss, hits] = tf.tidy(() => {
      const inputs = { inputIds: tf.tensor2d(b.inputIds, [b.rows, b.seq], 'int32'), attentionMask: tf.tensor2d(b.attentionMask, [b.rows, b.seq], 'int32') };
      const ops = familyOps(model.family);
      const hidden = ops.encode(model.weights, model.config, inputs).lastHiddenState;
      const logits = ops.mlmLogits(model.weights, model.config, hidden);
      const labels = tf.tensor2d(b.labels, [b.rows, b.seq], 'int32');
      const predicted = tf.argMax(logits, -1).toInt();
      return [maskedLmLoss(logits, labels), tf.sum(tf.equal(predicted, labels).toInt())] as const;
    });
    // read with await: webgpu in Node has no synchronous reads
    try {
      lossSum += (await loss.data())[0] * n;
      correct += (await hits.data())[0];
    } finally {
      loss.dispose(); hits.dispose();
    }
    tokens += n;
  }
  if (tokens === 0) throw new Error('held-out batches hold no masked token');
  return { loss: lossSum / tokens, accuracy: correct / tokens, tokens };
}
