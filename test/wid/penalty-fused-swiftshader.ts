// Child process of penalty-fused.test.ts (webgpu on SwiftShader, set up by the parent): the authors' penalty with the
// fused kernel (one dispatch per tensor) against the tfjs ops (WID_FUSIONS=-wid-penalty) from the same tensors: every
// mask axis, λ above and below 1, with and without Adam's first moment and a loss-scaled step's skip flag (0 and 1).
// Prints one JSON line: per case the largest gradient and moment differences, in float32 ulps of the reference.
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { authorsPenalty, type KeepVectors, type PenaltyTarget } from '../../src-main/engine/methods/wid/penalty.js';
import { setWidPenaltyMaxWorkgroupsPerDim, widPenaltyDispatchCount } from '../../src-main/engine/kernels/webgpu-wid-penalty.js';

const backend = await selectBackend('webgpu');
let seed = 11;
const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 4;
const values = (n: number) => Float32Array.from({ length: n }, rand);
const zeroOne = (n: number, every: number) => Float32Array.from({ length: n }, (_, i) => (i % every === 1 ? 1 : 0));

/** ulps between a and b, per element, the largest (0 = bit-equal; NaN on either side counts only when both are not NaN). */
function ulps(a: Float32Array, b: Float32Array): number {
  const ia = new Int32Array(a.buffer, a.byteOffset, a.length), ib = new Int32Array(b.buffer, b.byteOffset, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) && Number.isNaN(b[i])) continue;
    if (Number.isNaN(a[i]) || Number.isNaN(b[i])) return Infinity;
    worst = Math.max(worst, Math.abs(ia[i] - ib[i]));
  }
  return worst;
}

interface Case { axis: PenaltyTarget['axis']; shape: number[]; lambda: number; moment: boolean; skip: number | null; maxPerDim?: number }
const cases: Case[] = [
  { axis: 'rows', shape: [37, 70], lambda: 20, moment: true, skip: null },
  { axis: 'cols', shape: [37, 70], lambda: 20, moment: true, skip: null },
  { axis: 'vector', shape: [301], lambda: 20, moment: true, skip: null },
  { axis: 'cols', shape: [37, 70], lambda: 0.5, moment: true, skip: null },
  { axis: 'rows', shape: [37, 70], lambda: 20, moment: false, skip: null },
  { axis: 'cols', shape: [37, 70], lambda: 20, moment: true, skip: 0 },
  { axis: 'cols', shape: [37, 70], lambda: 20, moment: true, skip: 1 },
  // at most 4 workgroups per grid dimension: the 11 workgroups as a 4 x 3 grid (its last one idle)
  { axis: 'rows', shape: [37, 70], lambda: 20, moment: true, skip: null, maxPerDim: 4 },
];

interface Inputs { param: Float32Array; grad: Float32Array; m: Float32Array; masked: Float32Array }
function inputsOf(c: Case): Inputs {
  const n = c.shape.reduce((a, b) => a * b, 1);
  const len = c.axis === 'rows' ? c.shape[0] : c.axis === 'cols' ? c.shape[1] : n;
  return { param: values(n), grad: values(n), m: values(n), masked: zeroOne(len, 3) };
}

let runs = 0;
async function run(c: Case, x: Inputs, fused: boolean) {
  const before = process.env.WID_FUSIONS;
  process.env.WID_FUSIONS = fused ? '' : '-wid-penalty';
  const variable = tf.variable(tf.tensor(x.param, c.shape), true, `pen-${runs++}`);
  const grad = tf.tensor(x.grad, c.shape);
  const m = tf.variable(tf.tensor(x.m, c.shape), false);
  const masked = tf.tensor1d(x.masked);
  const kept = tf.tidy(() => tf.sub(1, masked) as tf.Tensor1D);
  const keep = { residual: kept, attention: [], intermediate: [], masked: { residual: masked, attention: [], intermediate: [] } } as KeepVectors;
  const skip = c.skip === null ? null : tf.scalar(c.skip);
  const target: PenaltyTarget = { variable, group: { kind: 'residual' }, axis: c.axis, compactor: true };
  const moments = { firstMoment: () => (c.moment ? m : undefined), skip };
  const startTensors = tf.memory().numTensors;
  const out = authorsPenalty({ [variable.name]: grad }, [target], keep, { step: 5, firstMaskStep: 2, lambda: c.lambda }, moments);
  const leaked = tf.memory().numTensors - startTensors - 1; // the new gradient is the caller's
  const r = { grad: await out[variable.name].data() as Float32Array, m: await m.data() as Float32Array, leaked };
  tf.dispose([variable, grad, m, masked, kept, out[variable.name], ...(skip ? [skip] : [])]);
  if (before === undefined) delete process.env.WID_FUSIONS; else process.env.WID_FUSIONS = before;
  return r;
}

const results: Record<string, { gradUlps: number; momentUlps: number; leaked: number; momentChanged: boolean; fusedDispatches: number; plainDispatches: number }> = {};
for (const c of cases) {
  const x = inputsOf(c);
  const d0 = widPenaltyDispatchCount();
  setWidPenaltyMaxWorkgroupsPerDim(c.maxPerDim ?? null);
  const fused = await run(c, x, true);
  setWidPenaltyMaxWorkgroupsPerDim(null);
  const d1 = widPenaltyDispatchCount();
  const plain = await run(c, x, false);
  const name = `${c.axis} [${c.shape}] λ ${c.lambda}${c.moment ? '' : ' no moment'}${c.skip === null ? '' : ` skip ${c.skip}`}${c.maxPerDim ? ' 2-D grid' : ''}`;
  results[name] = {
    gradUlps: ulps(fused.grad, plain.grad), momentUlps: ulps(fused.m, plain.m), leaked: fused.leaked,
    momentChanged: ulps(fused.m, x.m) > 0, fusedDispatches: d1 - d0, plainDispatches: widPenaltyDispatchCount() - d1,
  };
}
console.log(JSON.stringify({ device: backend.device, results }));
