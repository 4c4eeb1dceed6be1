// The memory-lean gradients (autodiff/variable-grads.ts, autodiff/shape-only-ops.ts): the same loss and gradients
// as tfjs' own walk and ops, bit for bit, with fewer bytes alive at the peak and no tensor left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import type { BertConfig } from '../../src-main/engine/bert/config.js';
import { initBertWeights } from '../../src-main/engine/bert/weights.js';
import { bertForward, mlmHead } from '../../src-main/engine/bert/forward.js';
import { maskedLmLoss } from '../../src-main/engine/bert/mlm-loss.js';
import { variableGrads } from '../../src-main/engine/autodiff/variable-grads.js';
import { add, reshape } from '../../src-main/engine/autodiff/shape-only-ops.js';

const cfg: BertConfig = {
  vocabSize: 300, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 64,
  maxPositionEmbeddings: 16, typeVocabSize: 2, layerNormEps: 1e-12, hiddenAct: 'gelu',
};

interface Run { loss: Float32Array; grads: Record<string, Float32Array>; peakBytes: number; leftTensors: number }

let runs = 0;
async function mlmStep(env: Record<string, string>): Promise<Run> {
  const old = { ...process.env };
  Object.assign(process.env, env);
  try {
    const init = initBertWeights(cfg, 7, { mlmHead: true });
    const tag = `lean${++runs}`;
    const vars = Object.fromEntries(Object.entries(init).map(([n, t]) => [n, tf.variable(t, true, `${tag}/${n}`)]));
    tf.dispose(Object.values(init));
    const ids = tf.tensor2d([[5, 9, 13, 2, 77, 41, 3, 0], [8, 11, 250, 4, 6, 19, 2, 1]], undefined, 'int32');
    const mask = tf.tensor2d([[1, 1, 1, 1, 1, 1, 1, 0], [1, 1, 1, 1, 1, 1, 1, 1]], undefined, 'int32');
    const labels = tf.tensor2d([[-100, 9, -100, -100, 77, -100, -100, -100], [8, -100, -100, 4, -100, -100, 2, -100]], undefined, 'int32');
    const before = tf.memory().numTensors;
    let result: { value: tf.Scalar; grads: tf.NamedTensorMap } | undefined;
    const prof = await tf.profile(() => {
      result = variableGrads(() => maskedLmLoss(mlmHead(vars, cfg, bertForward(vars, cfg, { inputIds: ids, attentionMask: mask }, {
        dropout: { hidden: 0.1, attention: 0.1, seed: 3 },
      }).lastHiddenState), labels), Object.values(vars));
      return [];
    });
    const { value, grads } = result!;
    const leftTensors = tf.memory().numTensors - before - 1 - Object.keys(grads).length;
    const out: Run = { loss: (await value.data()) as Float32Array, grads: {}, peakBytes: prof.peakBytes, leftTensors };
    for (const [n, g] of Object.entries(grads)) out.grads[n.slice(tag.length + 1)] = (await g.data()) as Float32Array;
    tf.dispose([value, ...Object.values(grads), ...Object.values(vars), ids, mask, labels]);
    return out;
  } finally {
    for (const k of Object.keys(env)) { if (old[k] === undefined) delete process.env[k]; else process.env[k] = old[k]; }
  }
}

function assertSame(a: Run, b: Run) {
  assert.deepEqual([...a.loss], [...b.loss]);
  assert.deepEqual(Object.keys(a.grads).sort(), Object.keys(b.grads).sort());
  for (const n of Object.keys(a.grads)) assert.deepEqual([...a.grads[n]], [...b.grads[n]], `gradient of ${n}`);
}

test('a BERT MLM step with each memory switch on gives tfjs\' loss and gradients bit for bit, each with a lower peak', async () => {
  await selectBackend('cpu');
  const tfjs = await mlmStep({ WID_MEMORY_PLAN: 'off' });
  const walk = await mlmStep({ WID_LEAN_SAVES: 'off', WID_LEAN_FORWARD: 'off' });
  const saves = await mlmStep({ WID_LEAN_FORWARD: 'off' });
  const all = await mlmStep({});
  for (const r of [walk, saves, all]) assertSame(tfjs, r);
  assert.ok(walk.peakBytes < tfjs.peakBytes, `lean walk peak ${walk.peakBytes} vs tfjs ${tfjs.peakBytes}`);
  assert.ok(saves.peakBytes < walk.peakBytes, `+ shape-only ops: peak ${saves.peakBytes} vs ${walk.peakBytes}`);
  assert.ok(all.peakBytes < saves.peakBytes, `+ per-layer scopes: peak ${all.peakBytes} vs ${saves.peakBytes}`);
  console.log(`peak bytes: tfjs ${tfjs.peakBytes}, lean walk ${walk.peakBytes}, + shape-only ops ${saves.peakBytes}, + scopes ${all.peakBytes}`);
  for (const r of [tfjs, walk, saves, all]) assert.equal(r.leftTensors, 0, 'only the value and the gradients outlive the call');
});

test('shape-only add broadcasts as tf.add and sums its gradient over the broadcast axes', async () => {
  await selectBackend('cpu');
  const a = tf.tensor3d([[[1, 2, 3], [4, 5, 6]]]), b = tf.tensor1d([10, 20, 30]);
  const w = tf.tensor3d([[[1, -1, 2], [0.5, 3, -2]]]);
  const f = (add_: typeof add) => tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(add_(x, y), w)))([a, b]);
  const [ga, gb] = f(add);
  const [ra, rb] = f((x, y) => tf.add(x, y));
  assert.deepEqual(await ga.data(), await ra.data());
  assert.deepEqual(await gb.data(), await rb.data());
  assert.deepEqual(gb.shape, [3]);
  const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(reshape(x, [3, -1]), tf.reshape(w, [3, 2]))))(a);
  assert.deepEqual(g.shape, [1, 2, 3]);
  assert.deepEqual([...await g.data()], [...await w.data()]);
  tf.dispose([a, b, w, ga, gb, ra, rb, g]);
});

test('a gradient that returns the same tensor for two inputs is not disposed under either (lean walk)', async () => {
  await selectBackend('cpu');
  const x = tf.variable(tf.tensor1d([1, 2, 3]), true, 'lean-shared-x');
  const both = tf.customGrad(((a: tf.Tensor, b: tf.Tensor) => ({ value: tf.add(a, b), gradFunc: (dy: tf.Tensor) => [dy, dy] })) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;
  const { value, grads } = variableGrads(() => tf.sum(tf.mul(both(tf.mul(x, 2), tf.mul(x, 3)), tf.tensor1d([1, 10, 100]))) as tf.Scalar, [x]);
  assert.deepEqual([...await grads['lean-shared-x'].data()], [5, 50, 500]);
  assert.equal((await value.data())[0], 5 * (1 + 20 + 300));
  tf.dispose([value, grads['lean-shared-x'], x]);
});
