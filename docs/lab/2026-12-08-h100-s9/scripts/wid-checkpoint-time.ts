// Dev-machine measurement behind the lab README: size and write time of one WID checkpoint of the real teacher as
// the loop writes it (every trainable variable, both Adam moments, the method's state), three times.
//   node --import tsx docs/lab/2026-12-08-h100-s9/scripts/wid-checkpoint-time.ts [../shared/data]
import * as tf from '@tensorflow/tfjs';
import { rmSync, statSync } from 'node:fs';
import { loadHfModel } from '../../../../src-main/engine/checkpoint/index.js';
import { createWidMethod } from '../../../../src-main/engine/methods/wid/index.js';
import { writeCheckpoint } from '../../../../src-main/engine/train/train-state.js';

const data = process.argv[2] ?? '../shared/data';
await tf.setBackend('cpu');
const loaded = await loadHfModel(`${data}/teacher-bert-small-wiki`);
const m = createWidMethod({ config: loaded.config, weights: loaded.weights }, { preset: 'wid55' });
const vars = m.trainableVariables();
const state = m.saveState();
const floats = (ts: tf.Tensor[]) => (ts.reduce((a, t) => a + t.size, 0) / 1e6).toFixed(1);
console.log(`WID: ${vars.length} trainable variables, ${floats(vars)} M floats; method state ${floats(Object.values(state.tensors))} M`);
const tensors: Record<string, tf.Tensor> = {};
for (const v of vars) { tensors[`param/${v.name}`] = v; tensors[`adam.m/${v.name}`] = tf.zerosLike(v); tensors[`adam.v/${v.name}`] = tf.zerosLike(v); }
for (const [k, t] of Object.entries(state.tensors)) tensors[`method/${k}`] = t;
const dir = '/tmp/wid-checkpoint-time';
rmSync(dir, { recursive: true, force: true });
for (let i = 1; i <= 3; i++) {
  const t0 = performance.now();
  const path = await writeCheckpoint(dir, { step: i, tensors, meta: {} }, 2);
  console.log(`checkpoint ${i}: ${(statSync(path).size / 1e9).toFixed(2)} GB in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
}
rmSync(dir, { recursive: true, force: true });
