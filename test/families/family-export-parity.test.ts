// ALBERT and MobileBERT checkpoints written by our saveFamilyModel (test/fixtures/tfjs-export-{albert,mobilebert},
// scripts/fixtures/make-albert-mobilebert-exports.ts) as transformers 5.17's from_pretrained loaded them on the GPU
// machine (make_albert_mobilebert_fixtures.py export_check → test/fixtures/albert-mobilebert-export-check.json):
// no missing, unexpected or mismatched keys, and its outputs equal our forward pass within 1e-4. Skipped until made.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { disposeWeights } from '../../src-main/engine/bert/weights.js';
import { loadAnyHfModel } from '../../src-main/engine/checkpoint/index.js';
import { albertForward, albertMlmHead } from '../../src-main/engine/albert/index.js';
import { mobileBertForward, mobileBertMlmHead } from '../../src-main/engine/mobilebert/index.js';

const CHECK = 'test/fixtures/albert-mobilebert-export-check.json';
interface Check {
  error?: string;
  loading_info: Record<string, string[] | string>;
  input_ids: number[][]; attention_mask: number[][]; token_type_ids: number[][];
  last_hidden_state: number[][][]; logits_first_50: number[][][];
}
const checks: Record<string, Check> | undefined = existsSync(CHECK) ? JSON.parse(readFileSync(CHECK, 'utf8')) : undefined;

for (const name of ['tfjs-export-albert', 'tfjs-export-mobilebert']) {
  const skip = !checks ? `${CHECK} not made yet (python3 scripts/fixtures/make_albert_mobilebert_fixtures.py OUT on the GPU machine)`
    : checks[name]?.error?.endsWith('missing') ? `${name} was not committed when ${CHECK} was made` : false;
  test(`${name}: transformers loaded our checkpoint with no missing/unexpected keys and the same outputs`, { skip }, async () => {
    const c = checks![name];
    assert.equal(c.error, undefined, c.error);
    for (const k of ['missing_keys', 'unexpected_keys', 'mismatched_keys']) {
      const v = c.loading_info[k];
      assert.ok(v === undefined || (Array.isArray(v) && v.length === 0), `${k}: ${JSON.stringify(v)}`);
    }
    await selectBackend('cpu');
    const m = await loadAnyHfModel(`test/fixtures/${name}`);
    tf.tidy(() => {
      const inputs = {
        inputIds: tf.tensor2d(c.input_ids, undefined, 'int32'),
        attentionMask: tf.tensor2d(c.attention_mask, undefined, 'int32'),
        tokenTypeIds: tf.tensor2d(c.token_type_ids, undefined, 'int32'),
      };
      let hidden: tf.Tensor3D, logits: tf.Tensor3D;
      if (m.family === 'albert') {
        hidden = albertForward(m.weights, m.config, inputs).lastHiddenState;
        logits = albertMlmHead(m.weights, m.config, hidden);
      } else if (m.family === 'mobilebert') {
        hidden = mobileBertForward(m.weights, m.config, inputs).lastHiddenState;
        logits = mobileBertMlmHead(m.weights, m.config, hidden);
      } else throw new Error(`${name} is BERT`);
      const d = (got: tf.Tensor, want: unknown) => tf.max(tf.abs(tf.sub(got, tf.tensor(want as number[])))).dataSync()[0];
      const dh = d(hidden, c.last_hidden_state);
      const [b, s] = logits.shape;
      const dl = d(logits.slice([0, 0, 0], [b, s, 50]), c.logits_first_50);
      assert.ok(dh < 1e-4 && dl < 1e-4, `last hidden state ${dh}, logits ${dl}`);
      console.log(`# ${name}: last hidden state ${dh.toExponential(2)}, logits ${dl.toExponential(2)}`);
    });
    disposeWeights(m.weights);
  });
}
