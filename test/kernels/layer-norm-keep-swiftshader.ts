// Child process of fusions.test.ts: bert/ops.ts layerNorm with WID's keep vector on webgpu (SwiftShader) against
// the same call on the pure-JS cpu backend (the composite keep LayerNorm there): the output and the gradients of x,
// gamma and beta, with the fused keep kernels, with WID_FUSIONS=-layer-norm-keep and with WID_FUSIONS=off (the
// shader keys each ran); and a captured step replayed after the keep vector's values were written in place.
// Prints one JSON line.
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { layerNorm } from '../../src-main/engine/bert/ops.js';
import { CapturedStep } from '../../src-main/engine/capture/captured-step.js';
import { assignInPlace } from '../../src-main/engine/capture/in-place.js';
import { withShaderKeys } from '../support/shader-keys.js';

const [B, S, H] = [2, 5, 200]; // H above the kernels' 128 threads a row: each thread sums several dims
let seed = 21;
const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
const xs = Float32Array.from({ length: B * S * H }, () => (rnd() - 0.3) * 6);
const gs = Float32Array.from({ length: H }, () => 0.5 + rnd());
const bs = Float32Array.from({ length: H }, () => rnd() - 0.5);
const ws = Float32Array.from({ length: B * S * H }, () => rnd() - 0.5); // a non-uniform upstream gradient
// two keep vectors with different K (134 and 112 of 200 kept), as two mask events would leave them
const keepA = Float32Array.from({ length: H }, (_, i) => (i % 3 === 1 ? 0 : 1));
const keepB = Float32Array.from({ length: H }, (_, i) => (i % 4 === 0 || i >= 170 ? 0 : 1));
const EPS = 1e-12;

type Values = number[][]; // y, dx, dgamma, dbeta

/** y = layerNorm(x, gamma, beta, eps, keep) and the gradients of sum(y · w) for x, gamma, beta. */
function lnAndGrads(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, w: tf.Tensor, keep: tf.Tensor1D): tf.Tensor[] {
  const f = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => layerNorm(xx, gg, bb, EPS, keep);
  return [f(x, g, b), ...tf.grads((xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(f(xx, gg, bb), w)))([x, g, b])];
}

const read = async (ts: tf.Tensor[]): Promise<Values> => {
  const out = await Promise.all(ts.map(async (t) => Array.from(await t.data())));
  tf.dispose(ts);
  return out;
};

function inputs() {
  return { x: tf.tensor3d(xs, [B, S, H]), g: tf.tensor1d(gs), b: tf.tensor1d(bs), w: tf.tensor3d(ws, [B, S, H]) };
}

/** The values for one keep vector, and the shader keys the webgpu programs ran (empty elsewhere). */
async function run(keepValues: Float32Array): Promise<{ values: Values; keys: string[] }> {
  const { x, g, b, w } = inputs();
  const keep = tf.tensor1d(keepValues);
  try {
    const { result: values, keys } = await withShaderKeys(async () => read(lnAndGrads(x, g, b, w, keep)));
    return { values, keys };
  } finally {
    tf.dispose([x, g, b, w, keep]);
  }
}

async function withFusions<T>(value: string, fn: () => Promise<T>): Promise<T> {
  process.env.WID_FUSIONS = value;
  try { return await fn(); } finally { delete process.env.WID_FUSIONS; }
}

/**
 * A captured step (forward and gradients) with the keep vector a non-trainable variable read from outside the step:
 * steps with keepA until one is replayed, then keepB written into the same buffer (assignInPlace) and one
 * more step, which must replay and read the new values (K included).
 */
async function capturedSteps() {
  const { x, g, b, w } = inputs();
  const made = tf.tensor1d(keepA);
  const keep = tf.variable(made, false, 'ln-keep');
  made.dispose();
  const step = new CapturedStep('ln-keep', (inp) => {
    const [y, dx, dg, db] = lnAndGrads(inp.x, g, b, w, keep as tf.Tensor as tf.Tensor1D);
    return { y, dx, dg, db };
  });
  const values = async (o: Record<string, tf.Tensor>) => read([o.y, o.dx, o.dg, o.db]);
  let before: Values = [];
  // the first recordings of a key may differ (pipelines compiled on first use): step until one replays
  for (let i = 0; i < 5 && step.status().replayedSteps === 0; i++) before = await values(step.run({ x }));
  const replayedBefore = step.status().replayedSteps;
  const dataId = keep.dataId;
  const next = tf.tensor1d(keepB);
  assignInPlace(keep, next);
  next.dispose();
  const after = await values(step.run({ x }));
  const status = step.status();
  const out = { before, after, replayedBefore, replayedAfter: status.replayedSteps, dispatches: status.dispatches, sameDataId: keep.dataId === dataId };
  step.dispose();
  tf.dispose([x, g, b, w, keep]);
  return out;
}

const backend = await selectBackend('webgpu');
const tensorsBefore = tf.memory().numTensors;
const fusedA = await run(keepA);
const fusedB = await run(keepB);
const leaked = tf.memory().numTensors - tensorsBefore;
const switchedOff = await withFusions('-layer-norm-keep', () => run(keepA));
const allOff = await withFusions('off', () => run(keepA));
const captured = await capturedSteps();
await selectBackend('cpu');
const cpuA = await run(keepA);
const cpuB = await run(keepB);

/** Largest |a − b| over the largest |b|, per tensor (y, dx, dgamma, dbeta). */
const rel = (a: Values, b: Values) => a.map((t, i) => {
  let d = 0, m = 0;
  t.forEach((v, j) => { d = Math.max(d, Math.abs(v - b[i][j])); m = Math.max(m, Math.abs(b[i][j])); });
  return t.length === b[i].length ? d / m : NaN;
});
const worst = (r: number[]) => Math.max(...r.map((v) => (Number.isNaN(v) ? Infinity : v)));
const lnKeys = (keys: string[]) => keys.filter((k) => k.startsWith('widLayerNorm'));
console.log(JSON.stringify({
  device: backend.device, leaked,
  perTensor: { fusedA: rel(fusedA.values, cpuA.values), switchedOff: rel(switchedOff.values, cpuA.values), fusedVsComposite: rel(fusedA.values, switchedOff.values) },
  fused: { relA: worst(rel(fusedA.values, cpuA.values)), relB: worst(rel(fusedB.values, cpuB.values)), lnKeys: lnKeys(fusedA.keys), dispatches: fusedA.keys.length },
  switchedOff: { rel: worst(rel(switchedOff.values, cpuA.values)), lnKeys: lnKeys(switchedOff.keys), dispatches: switchedOff.keys.length },
  allOff: { rel: worst(rel(allOff.values, cpuA.values)), lnKeys: lnKeys(allOff.keys) },
  // sanity: the two keep vectors give different values, so a replay reading stale ones would show
  keepMatters: worst(rel(cpuA.values, cpuB.values)),
  captured: { relBefore: worst(rel(captured.before, cpuA.values)), relAfter: worst(rel(captured.after, cpuB.values)),
    replayedBefore: captured.replayedBefore, replayedAfter: captured.replayedAfter, dispatches: captured.dispatches, sameDataId: captured.sameDataId },
}));
