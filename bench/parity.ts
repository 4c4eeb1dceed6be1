// `npm run bench -- parity [--backend webgpu]`: the transformers fixtures of test/fixtures/bert
// (model-parity.test.ts) on a backend: every hidden state, attention map, logits and pooled output
// against transformers' reference, worst max abs diff per model.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { selectBackend, BackendPreference } from '../src-main/engine/backend/index.js';
import { bertForward, mlmHead, poolerOutput, classifierHead } from '../src-main/engine/bert/forward.js';
import { disposeWeights } from '../src-main/engine/bert/weights.js';
import { loadHfModel, parseSafetensors } from '../src-main/engine/checkpoint/index.js';

export interface ParityRow { backend: string; model: string; worst: string; maxAbsDiff: number; logits: number }

async function parityOf(name: string, backend: string): Promise<ParityRow> {
  const dir = new URL(`../test/fixtures/bert/${name}`, import.meta.url).pathname;
  const model = await loadHfModel(dir);
  const ref = parseSafetensors(readFileSync(`${dir}/reference.safetensors`)).tensors;
  // outputs are kept out of tidy and read with await data(): webgpu in Node has no dataSync
  const outs = tf.tidy(() => {
    const o: Record<string, tf.Tensor> = {};
    const ids = ref.get('input_ids')!;
    const shape = ids.shape as [number, number];
    const out = bertForward(model.weights, model.config, {
      inputIds: tf.tensor2d(ids.data as Int32Array, shape, 'int32'),
      attentionMask: tf.tensor2d(ref.get('attention_mask')!.data as Int32Array, shape, 'int32'),
      tokenTypeIds: tf.tensor2d(ref.get('token_type_ids')!.data as Int32Array, shape, 'int32'),
    }, { outputHiddenStates: true, outputAttentions: true });
    o.last_hidden_state = out.lastHiddenState;
    out.hiddenStates!.forEach((h, i) => { o[`hidden_states.${i}`] = h; });
    out.attentions!.forEach((a, i) => { o[`attentions.${i}`] = a; });
    if (model.architecture === 'BertForSequenceClassification') {
      o.pooled_output = poolerOutput(model.weights, model.config, out.lastHiddenState);
      o.logits = classifierHead(model.weights, model.config, o.pooled_output as tf.Tensor2D);
    } else {
      o.logits = mlmHead(model.weights, model.config, out.lastHiddenState);
    }
    return o;
  });
  const diffs: Record<string, number> = {};
  for (const [key, t] of Object.entries(outs)) {
    const want = ref.get(key)!.data;
    const got = await t.data();
    let m = 0;
    for (let i = 0; i < got.length; i++) m = Math.max(m, Math.abs(got[i] - want[i]));
    diffs[key] = m;
  }
  tf.dispose(Object.values(outs)); // after all reads: last_hidden_state is also the last hidden_states entry
  disposeWeights(model.weights);
  const worst = Object.entries(diffs).sort((a, b) => b[1] - a[1])[0];
  return { backend, model: name, worst: worst[0], maxAbsDiff: worst[1], logits: diffs.logits };
}

export async function main(argv: string[]): Promise<ParityRow[]> {
  const { values } = parseArgs({ args: argv, options: { backend: { type: 'string', default: 'auto' } } });
  const backend = await selectBackend(values.backend as BackendPreference);
  const rows: ParityRow[] = [];
  for (const name of ['tiny-teacher', 'parity-mlm-cased', 'parity-cls-uncased']) {
    const r = await parityOf(name, backend.name);
    console.log(`parity ${backend.name} ${name}: worst max abs diff ${r.maxAbsDiff.toExponential(2)} (${r.worst}), logits ${r.logits.toExponential(2)}`);
    rows.push(r);
  }
  return rows;
}

export const markdown = (rows: ParityRow[]) => ['| backend | model | worst max abs diff | where | logits |', '|---|---|--:|---|--:|',
  ...rows.map((r) => `| ${r.backend} | ${r.model} | ${r.maxAbsDiff.toExponential(2)} | ${r.worst} | ${r.logits.toExponential(2)} |`)].join('\n');
