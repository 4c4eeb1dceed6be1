// Checkpoints written by our saveHfModel (test/fixtures/bert/tfjs-export-*, scripts/fixtures/make-tfjs-exports.ts)
// were loaded by transformers 5.17 `from_pretrained` on the GPU machine (make_bert_fixtures.py export_check):
// no missing or unexpected keys, and its outputs on those files equal our forward pass within 1e-4.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { bertForward, mlmHead, poolerOutput, classifierHead } from '../../src-main/engine/bert/forward.js';
import { disposeWeights } from '../../src-main/engine/bert/weights.js';
import { loadHfModel } from '../../src-main/engine/checkpoint/index.js';

interface Check {
  error?: string;
  loading_info: Record<string, string[]>;
  input_ids: number[][]; attention_mask: number[][]; token_type_ids: number[][];
  last_hidden_state: number[][][]; logits?: number[][] | number[][][]; pooler_output?: number[][];
}
const checks = JSON.parse(readFileSync('test/fixtures/bert/export-check.json', 'utf8')) as Record<string, Check>;

function maxAbsDiff(got: tf.Tensor, want: unknown): number {
  const w = tf.tensor(want as number[]);
  assert.deepEqual(got.shape, w.shape);
  const d = tf.tidy(() => got.sub(w).abs().max().dataSync()[0]);
  w.dispose();
  return d;
}

for (const name of ['tfjs-export-mlm', 'tfjs-export-cls', 'tfjs-export-bare']) {
  test(`${name}: transformers loaded our checkpoint with no missing/unexpected keys and the same outputs`, async () => {
    const c = checks[name];
    assert.equal(c.error, undefined, c.error);
    for (const k of ['missing_keys', 'unexpected_keys', 'mismatched_keys', 'error_msgs']) assert.deepEqual(c.loading_info[k], [], k);
    await selectBackend('wasm');
    const model = await loadHfModel(`test/fixtures/bert/${name}`);
    // our tokenizer gives transformers' ids for the same two sentences
    const batch = model.tokenizer!.encodeBatch(['The quick brown fox jumps over the lazy dog.', 'Héllo, WORLD! Ça va? naïve café résumé Ångström']);
    assert.deepEqual([...batch.inputIds], c.input_ids.flat());
    const diffs: Record<string, number> = {};
    tf.tidy(() => {
      const inputs = {
        inputIds: tf.tensor2d(c.input_ids, undefined, 'int32'),
        attentionMask: tf.tensor2d(c.attention_mask, undefined, 'int32'),
        tokenTypeIds: tf.tensor2d(c.token_type_ids, undefined, 'int32'),
      };
      const out = bertForward(model.weights, model.config, inputs);
      diffs.last_hidden_state = maxAbsDiff(out.lastHiddenState, c.last_hidden_state);
      if (model.architecture === 'BertForMaskedLM') {
        const logits = mlmHead(model.weights, model.config, out.lastHiddenState);
        const [b, s] = logits.shape;
        diffs.logits = maxAbsDiff(logits.slice([0, 0, 0], [b, s, 50]), c.logits); // the fixture keeps the first 50 vocab columns
      } else if (model.architecture === 'BertForSequenceClassification') {
        diffs.logits = maxAbsDiff(classifierHead(model.weights, model.config, poolerOutput(model.weights, model.config, out.lastHiddenState)), c.logits);
      } else {
        diffs.pooler_output = maxAbsDiff(poolerOutput(model.weights, model.config, out.lastHiddenState), c.pooler_output);
      }
    });
    disposeWeights(model.weights);
    for (const [k, d] of Object.entries(diffs)) assert.ok(d < 1e-4, `${name} ${k}: max abs diff ${d}`);
    console.log(`# ${name}: ${JSON.stringify(diffs)}`);
  });
}
