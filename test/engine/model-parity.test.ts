// Our forward pass against transformers (5.17, eval mode, fp32) on the models and reference outputs of
// test/fixtures/bert/<model>/reference.safetensors (scripts/fixtures/make_bert_fixtures.py): every hidden
// state, every attention map, MLM / classifier logits and the pooled output within 1e-4, on wasm and cpu.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { bertForward, mlmHead, poolerOutput, classifierHead } from '../../src-main/engine/bert/forward.js';
import { disposeWeights } from '../../src-main/engine/bert/weights.js';
import { loadHfModel, parseSafetensors } from '../../src-main/engine/checkpoint/index.js';

const TOLERANCE = 1e-4;
const MODELS = ['tiny-teacher', 'parity-mlm-cased', 'parity-cls-uncased'];

function maxAbsDiff(a: tf.Tensor, want: { shape: number[]; data: Float32Array | Int32Array }, label: string): number {
  assert.deepEqual(a.shape, want.shape, `${label} shape`);
  const got = a.dataSync();
  let m = 0;
  for (let i = 0; i < got.length; i++) m = Math.max(m, Math.abs(got[i] - want.data[i]));
  assert.ok(Number.isFinite(m), `${label}: non-finite values`);
  return m;
}

for (const backend of ['wasm', 'cpu'] as const) {
  for (const name of MODELS) {
    test(`${name} on ${backend}: hidden states, attentions, logits and pooled output match transformers within ${TOLERANCE}`, async () => {
      await selectBackend(backend);
      const dir = `test/fixtures/bert/${name}`;
      const model = await loadHfModel(dir);
      const ref = parseSafetensors(readFileSync(`${dir}/reference.safetensors`), `${dir}/reference.safetensors`).tensors;
      const r = (k: string) => {
        const t = ref.get(k);
        if (!t) throw new Error(`reference lacks ${k}`);
        return t;
      };
      const before = tf.memory().numTensors;
      const diffs: Record<string, number> = {};
      tf.tidy(() => {
        const ids = r('input_ids');
        const inputs = {
          inputIds: tf.tensor2d(ids.data as Int32Array, ids.shape as [number, number], 'int32'),
          attentionMask: tf.tensor2d(r('attention_mask').data as Int32Array, ids.shape as [number, number], 'int32'),
          tokenTypeIds: tf.tensor2d(r('token_type_ids').data as Int32Array, ids.shape as [number, number], 'int32'),
        };
        const out = bertForward(model.weights, model.config, inputs, { outputHiddenStates: true, outputAttentions: true });
        diffs.last_hidden_state = maxAbsDiff(out.lastHiddenState, r('last_hidden_state'), 'last_hidden_state');
        assert.equal(out.hiddenStates!.length, model.config.numHiddenLayers + 1);
        out.hiddenStates!.forEach((h, i) => { diffs[`hidden_states.${i}`] = maxAbsDiff(h, r(`hidden_states.${i}`), `hidden_states.${i}`); });
        assert.equal(out.attentions!.length, model.config.numHiddenLayers);
        out.attentions!.forEach((a, i) => { diffs[`attentions.${i}`] = maxAbsDiff(a, r(`attentions.${i}`), `attentions.${i}`); });
        if (model.architecture === 'BertForSequenceClassification') {
          const pooled = poolerOutput(model.weights, model.config, out.lastHiddenState);
          diffs.pooled_output = maxAbsDiff(pooled, r('pooled_output'), 'pooled_output');
          diffs.logits = maxAbsDiff(classifierHead(model.weights, model.config, pooled), r('logits'), 'logits');
        } else {
          diffs.logits = maxAbsDiff(mlmHead(model.weights, model.config, out.lastHiddenState), r('logits'), 'logits');
        }
      });
      assert.equal(tf.memory().numTensors, before, 'forward leaks no tensors');
      disposeWeights(model.weights);
      for (const [k, d] of Object.entries(diffs)) assert.ok(d < TOLERANCE, `${name} ${backend} ${k}: max abs diff ${d}`);
      const worst = Object.entries(diffs).sort((a, b) => b[1] - a[1])[0];
      console.log(`# ${name} ${backend}: worst ${worst[0]} ${worst[1].toExponential(2)}`);
    });
  }
}
