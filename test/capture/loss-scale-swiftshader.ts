// Child process of loss-scale.test.ts (webgpu on SwiftShader, set up by the parent): loss-scaled steps (dynamic
// scaling with fp32 matmuls; SwiftShader has no f16 tensor cores) run captured and eagerly from the same start,
// with an overflowing step among the replayed ones; and the 'off' path against the step as it was before loss
// scaling; and WID through the loop with steps that overflow. Prints one JSON line.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadHfModel } from '../../src-main/engine/checkpoint/index.js';
import { createWidMethod } from '../../src-main/engine/methods/wid/index.js';
import { runDistillation } from '../../src-main/engine/train/loop.js';
import { corpusTokenizer } from '../baselines/support/corpus-tokenizer.js';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { adamwSingleDispatchCount } from '../../src-main/engine/kernels/webgpu-adamw.js';
import { runSteps, sameBits, type StepsOptions } from '../train/support/loss-scale-steps.js';

const backend = await selectBackend('webgpu');

async function withCaptureDo<T>(mode: 'auto' | 'off', f: () => Promise<T>): Promise<T> {
  const before = process.env.WID_CAPTURE;
  process.env.WID_CAPTURE = mode;
  try { return await f(); } finally { if (before === undefined) delete process.env.WID_CAPTURE; else process.env.WID_CAPTURE = before; }
}
const withCapture = (mode: 'auto' | 'off', o: StepsOptions) => withCaptureDo(mode, () => runSteps(o));

const o: StepsOptions = { mode: 'dynamic', steps: 10, poison: [6], settings: { growthInterval: 3 }, lr: (s) => 1e-2 * (1 + s) / 10 };
const dispatchesBefore = adamwSingleDispatchCount();
const captured = await withCapture('auto', o);
const inPlaceDispatches = adamwSingleDispatchCount() - dispatchesBefore;
const eager = await withCapture('off', o);
const equal = captured.snapshots.map((s, i) => sameBits(s.params, eager.snapshots[i].params) && sameBits(s.m, eager.snapshots[i].m) && sameBits(s.v, eager.snapshots[i].v));
const skipped = captured.snapshots[6], before = captured.snapshots[5];

const off = await withCapture('auto', { mode: 'off', steps: 6, lr: (s) => 1e-2 * (1 + s) / 6 });
const reference = await withCapture('auto', { mode: 'reference', steps: 6, lr: (s) => 1e-2 * (1 + s) / 6 });

// WID through the loop (authors' schedule: the penalty writes Adam's first moment after the first mask), with a
// scale near float32's largest so that steps overflow, are skipped and the scale comes back up, among the replays
const teacher = await loadHfModel('test/fixtures/bert/tiny-teacher');
const widOnce = (mode: 'auto' | 'off') => withCaptureDo(mode, async () => {
  const method = createWidMethod(teacher, { preset: 'wid55', maskEvery: 0.5, variablePrefix: `wid-ls-${mode}/` });
  const values: Record<string, number>[] = [];
  const metrics: [number, string, number][] = [];
  try {
    const summary = await runDistillation({
      method, tokenizer: corpusTokenizer(teacher.tokenizer!), corpusPath: 'test/fixtures/corpus/pride-and-prejudice.txt',
      budget: { steps: 10, seqLen: 16, batchSize: 2, padTo: 'seqLen' },
      optimizer: { lr: 1e-3, warmupSteps: 3, weightDecay: 0.01, clipNorm: 1 },
      seed: 3, checkpointEvery: 0, workDir: mkdtempSync(join(tmpdir(), 'wid-ls-')), readEvery: 4,
      lossScaling: 'dynamic', lossScale: { initScale: 2 ** 127, growthInterval: 2 },
      // everything but the wall-clock throughput
      onProgress: (p) => { const { tokensPerSec: _t, ...v } = p.values; values.push(v); }, onMetric: (step, name, value) => metrics.push([step, name, value]),
    });
    const student = method.exportStudent();
    const weights = await Promise.all(Object.keys(student.weights).sort().map(async (k) => Float32Array.from(await student.weights[k].data())));
    tf.dispose(Object.values(student.weights));
    return { values, metrics, weights, capture: summary.capture, lossScaling: summary.lossScaling };
  } finally {
    method.dispose();
  }
});
const wa = await widOnce('auto'), wb = await widOnce('off');

console.log(JSON.stringify({
  wid: {
    weightsEqual: sameBits(wa.weights, wb.weights), valuesEqual: JSON.stringify(wa.values) === JSON.stringify(wb.values),
    metricsEqual: JSON.stringify(wa.metrics) === JSON.stringify(wb.metrics), capture: wa.capture, eagerCapture: wb.capture,
    lossScaling: wa.lossScaling, eagerLossScaling: wb.lossScaling, scales: wa.values.map((v) => v.lossScale),
    skippedAt: wa.metrics.filter(([, n]) => n === 'skippedSteps').map(([s]) => s),
  },
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
