// ALBERT and MobileBERT checkpoints written by our saveFamilyModel (test/fixtures/tfjs-export-{albert,mobilebert}{,-cls}:
// masked-LM models and the sequence classifiers a GLUE fine-tune writes; scripts/fixtures/make-albert-mobilebert-exports.ts) as transformers 5.17's from_pretrained loaded them on the GPU
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
import { familyOps } from '../../src-main/engine/model-family/index.js';

const CHECK = 'test/fixtures/albert-mobilebert-export-check.json';
interface Check {
  error?: string;
  loading_info: Record<string, string[] | string>;
  input_ids: number[][]; attention_mask: number[][]; token_type_ids: number[][];
  last_hidden_state: number[][][];
  /** masked-LM exports: the first 50 vocabulary logits */
  logits_first_50?: number[][][];
  /** sequence classifiers: the class logits */
  logits?: number[][];
}
const checks: Record<string, Check> | undefined = existsSync(CHECK) ? JSON.parse(readFileSync(CHECK, 'utf8')) : undefined;

for (const name of ['tfjs-export-albert', 'tfjs-export-mobilebert', 'tfjs-export-albert-cls', 'tfjs-export-mobilebert-cls']) {
  const skip = !checks ? `${CHECK} not made yet (python3 scripts/fixtures/make_albert_mobilebert_fixtures.py OUT on the GPU machine)`
    : !checks[name] || checks[name].error?.endsWith('missing') ? `${name} was not committed when ${CHECK} was made (make it again on the GPU machine)` : false;
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
      const d = (got: tf.Tensor, want: unknown) => tf.max(tf.abs(tf.sub(got, tf.tensor(want as number[])))).dataSync()[0];
      let hidden: tf.Tensor3D, dl: number;
      if (c.logits) {
        // the classifier as the fine-tune and evaluation jobs run it: encoder, pooler, classifier
        if (m.family !== 'albert' && m.family !== 'mobilebert') throw new Error(`${name} is BERT`);
        const ops = familyOps(m.family);
        hidden = ops.encode(m.weights, m.config as never, inputs).lastHiddenState;
        dl = d(ops.classify(m.weights, m.config as never, ops.pooled(m.weights, m.config as never, hidden)), c.logits);
      } else {
        let logits: tf.Tensor3D;
        if (m.family === 'albert') {
          hidden = albertForward(m.weights, m.config, inputs).lastHiddenState;
          logits = albertMlmHead(m.weights, m.config, hidden);
        } else if (m.family === 'mobilebert') {
          hidden = mobileBertForward(m.weights, m.config, inputs).lastHiddenState;
          logits = mobileBertMlmHead(m.weights, m.config, hidden);
        } else throw new Error(`${name} is BERT`);
        const [b, s] = logits.shape;
        dl = d(logits.slice([0, 0, 0], [b, s, 50]), c.logits_first_50);
      }
      const dh = d(hidden, c.last_hidden_state);
      assert.ok(dh < 1e-4 && dl < 1e-4, `last hidden state ${dh}, logits ${dl}`);
      console.log(`# ${name}: last hidden state ${dh.toExponential(2)}, logits ${dl.toExponential(2)}`);
    });
    disposeWeights(m.weights);
  });
}
