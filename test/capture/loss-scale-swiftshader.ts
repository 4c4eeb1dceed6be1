// Child process of loss-scale.test.ts (webgpu on SwiftShader, set up by the parent): loss-scaled steps (dynamic
// scaling with fp32 matmuls; SwiftShader has no f16 tensor cores) run captured and eagerly from the same start,
// with an overflowing step among the replayed ones; and the 'off' path against the step as it was before loss
// scaling. Prints one JSON line.
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { adamwSingleDispatchCount } from '../../src-main/engine/kernels/webgpu-adamw.js';
import { runSteps, sameBits, type StepsOptions } from '../train/support/loss-scale-steps.js';

const backend = await selectBackend('webgpu');

async function withCapture(mode: 'auto' | 'off', o: StepsOptions) {
  const before = process.env.WID_CAPTURE;
  process.env.WID_CAPTURE = mode;
  try { return await runSteps(o); } finally { if (before === undefined) delete process.env.WID_CAPTURE; else process.env.WID_CAPTURE = before; }
}

const o: StepsOptions = { mode: 'dynamic', steps: 10, poison: [6], settings: { growthInterval: 3 }, lr: (s) => 1e-2 * (1 + s) / 10 };
const dispatchesBefore = adamwSingleDispatchCount();
const captured = await withCapture('auto', o);
const inPlaceDispatches = adamwSingleDispatchCount() - dispatchesBefore;
const eager = await withCapture('off', o);
const equal = captured.snapshots.map((s, i) => sameBits(s.params, eager.snapshots[i].params) && sameBits(s.m, eager.snapshots[i].m) && sameBits(s.v, eager.snapshots[i].v));
const skipped = captured.snapshots[6], before = captured.snapshots[5];

const off = await withCapture('auto', { mode: 'off', steps: 6, lr: (s) => 1e-2 * (1 + s) / 6 });
const reference = await withCapture('auto', { mode: 'reference', steps: 6, lr: (s) => 1e-2 * (1 + s) / 6 });

console.log(JSON.stringify({
  device: backend.device,
  scaled: {
    stepsEqual: equal, valuesEqual: JSON.stringify(captured.values) === JSON.stringify(eager.values),
    values: captured.values, capture: captured.capture, eagerCapture: eager.capture, scaler: captured.scaler, eagerScaler: eager.scaler,
    skippedUnchanged: sameBits(skipped.params, before.params) && sameBits(skipped.m, before.m) && sameBits(skipped.v, before.v),
    memoryAfterReplays: captured.memory.slice(3), inPlaceDispatches,
  },
  off: {
    equal: off.snapshots.every((s, i) => sameBits(s.params, reference.snapshots[i].params) && sameBits(s.m, reference.snapshots[i].m) && sameBits(s.v, reference.snapshots[i].v)),
    valuesEqual: JSON.stringify(off.values) === JSON.stringify(reference.values), capture: off.capture,
  },
  tensors: tf.memory().numTensors,
}));
