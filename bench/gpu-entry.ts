// Engine checks for the GPU machine (webgpu through Dawn), packed with
//   bash /work/shared/gpu/pack.sh bench/gpu-entry.ts      then (device) bash .gpu/run.sh [parity] [bench]
// grads:  tiny MLM loss + all gradients vs the cpu backend (GPU engineer's gpu-numeric-check).
// parity: the transformers fixtures of test/fixtures/bert (model-parity.test.ts) on webgpu, worst max abs diff.
// bench:  `forward` and `train-step` (bench/forward.ts, bench/train-step.ts) for tiny/small/base, batch 8 x 128.
// Writes every result as JSON lines to stdout and to $OUT/engine-gpu.json.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src-main/engine/backend/index.js';
import { bertForward, mlmHead, poolerOutput, classifierHead } from '../src-main/engine/bert/forward.js';
import { disposeWeights } from '../src-main/engine/bert/weights.js';
import { loadHfModel, parseSafetensors } from '../src-main/engine/checkpoint/index.js';
import { parseBenchArgs, runForward } from './forward.js';
import { runTrainStep } from './train-step.js';
import { checkAgainstCpu } from './gpu-numeric-check.js';

const results: unknown[] = [];
const emit = (r: unknown) => { results.push(r); console.log(JSON.stringify(r)); };

async function parity(backend: string): Promise<void> {
  for (const name of ['tiny-teacher', 'parity-mlm-cased', 'parity-cls-uncased']) {
    const dir = `test/fixtures/bert/${name}`;
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
    emit({ check: 'parity', backend, model: name, worst: worst[0], maxAbsDiff: worst[1], logits: diffs.logits });
  }
}

async function bench(backend: string): Promise<void> {
  for (const size of ['tiny', 'small', 'base']) {
    for (const which of ['forward', 'train-step'] as const) {
      const o = parseBenchArgs(which, ['--size', size, '--backend', backend, '--batch', '8', '--seq', '128',
        '--steps', which === 'forward' ? '10' : '5', '--warmup', '2']);
      try {
        emit(which === 'forward' ? await runForward(o) : await runTrainStep(o));
      } catch (e) {
        emit({ bench: which, size, backend, error: (e as Error).message });
      }
    }
  }
}

const args = process.argv.slice(2);
const backend = process.env.WID_BACKEND ?? 'webgpu';
const selected = await selectBackend(backend as 'webgpu');
emit({ backend: selected.name, device: selected.device });
if (!args.length || args.includes('parity')) await parity(selected.name);
// loss and every gradient of a tiny MLM step against the cpu backend (bench/gpu-numeric-check.ts)
if (!args.length || args.includes('grads')) { emit({ check: 'grads', ...(await checkAgainstCpu(selected.name)) }); await selectBackend(backend as 'webgpu'); }
if (!args.length || args.includes('bench')) await bench(selected.name);
if (process.env.OUT) writeFileSync(join(process.env.OUT, 'engine-gpu.json'), JSON.stringify(results, null, 1));
process.exit(0);
