// Dev-machine measurement behind the lab README: ms to read one 32 x 128 batch of the real corpus (MlmBatcher.nextRows)
// and to mask it (makeMlmBatch), mean over 250 batches after 50 warm-up ones.
//   node --import tsx docs/lab/2026-12-08-h100-s9/scripts/batch-read-time.ts [../shared/data]
import * as tf from '@tensorflow/tfjs';
import { loadHfModel } from '../../../../src-main/engine/checkpoint/index.js';
import { corpusTokenizerFrom } from '../../../../src-main/engine/train/corpus-tokenizer.js';
import { LineCorpus } from '../../../../src-main/engine/train/corpus.js';
import { MlmBatcher, makeMlmBatch, disposeMlmBatch } from '../../../../src-main/engine/train/batcher.js';
import { Rng } from '../../../../src-main/engine/train/rng.js';

const data = process.argv[2] ?? '../shared/data';
await tf.setBackend('cpu');
const loaded = await loadHfModel(`${data}/teacher-bert-small-wiki`);
const tok = corpusTokenizerFrom(loaded.tokenizer!);
const corpus = new LineCorpus(`${data}/corpus/wiki-en-extract.txt`);
const batcher = new MlmBatcher(corpus, tok, { batchSize: 32, seqLen: 128 });
const rng = new Rng(1);
let read = 0, mask = 0;
for (let i = 0; i < 300; i++) {
  const t0 = performance.now();
  const rows = await batcher.nextRows();
  const t1 = performance.now();
  const { batch } = makeMlmBatch(rows, tok, rng, 0.15, 128);
  const t2 = performance.now();
  disposeMlmBatch(batch);
  if (i >= 50) { read += t1 - t0; mask += t2 - t1; }
}
console.log(`nextRows ${(read / 250).toFixed(2)} ms/batch, makeMlmBatch ${(mask / 250).toFixed(2)} ms/batch`);
await corpus.close();
