// Dynamic loss scaling (train/loss-scale.ts) on the cpu backend, with fp32 matmuls: the step is the real distillation
// step, the loss a small dense layer's, and a "poisoned" step's targets hold an inf so that its gradients overflow
// as an f16 step's would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { GRAD_SCALER_DEFAULTS, lossScaler, NO_SCALING, nonFiniteFlag } from '../../src-main/engine/train/loss-scale.js';
import { AdamW } from '../../src-main/engine/train/adamw.js';
import { authorsPenalty, type KeepVectors, type PenaltyTarget } from '../../src-main/engine/methods/wid/penalty.js';
import { maxRelDiff, runSteps, sameBits } from './support/loss-scale-steps.js';

const INIT = GRAD_SCALER_DEFAULTS.initScale;
const scalesOf = (values: number[][]) => values.map((v) => v[v.length - 1]);
const skipsOf = (values: number[][]) => values.map((v) => v[v.length - 2]);

test('the defaults are torch.amp.GradScaler\'s: init 2^16, growth 2, backoff 0.5, interval 2000', () => {
  assert.deepEqual({ ...GRAD_SCALER_DEFAULTS }, { initScale: 65536, growthFactor: 2, backoffFactor: 0.5, growthInterval: 2000 });
});

test('a step whose gradients hold an inf leaves the parameters, m and v as they were, and halves the scale', async () => {
  await selectBackend('cpu');
  const r = await runSteps({ mode: 'dynamic', steps: 4, poison: [2] });
  assert.deepEqual(skipsOf(r.values), [0, 0, 1, 0]);
  assert.deepEqual(scalesOf(r.values), [INIT, INIT, INIT / 2, INIT / 2]);
  const [, before, after] = r.snapshots;
  assert.ok(sameBits(after.params, before.params), 'parameters unchanged');
  assert.ok(sameBits(after.m, before.m), 'first moments unchanged');
  assert.ok(sameBits(after.v, before.v), 'second moments unchanged');
  assert.ok(!sameBits(r.snapshots[3].params, after.params), 'the next step updates again');
  assert.deepEqual(r.scaler, { scale: INIT / 2, skippedSteps: 1, appliedSteps: 3 });
});

test('a skipped step does not advance Adam\'s bias-correction step: the run equals an fp32 run without that step', async () => {
  await selectBackend('cpu');
  const scaled = await runSteps({ mode: 'dynamic', steps: 5, poison: [1] });
  // the same batches with step 1 left out: Adam's t is 1, 2, 3, 4 in both
  const fp32 = await runSteps({ mode: 'off', steps: 5, leaveOut: [1] });
  const last = scaled.snapshots.at(-1)!, ref = fp32.snapshots.at(-1)!;
  assert.ok(maxRelDiff(last.params, ref.params) < 1e-6, `params differ by ${maxRelDiff(last.params, ref.params)}`);
  assert.ok(maxRelDiff(last.m, ref.m) < 1e-6 && maxRelDiff(last.v, ref.v) < 1e-6);
  // had t advanced on the skipped step, bias corrections 1 - 0.9^t would differ by a lot in these first steps
  const wrong = await runSteps({ mode: 'off', steps: 5, poison: [], leaveOut: [], lr: (s) => (s === 1 ? 0 : 1e-2) });
  assert.ok(maxRelDiff(wrong.snapshots.at(-1)!.params, ref.params) > 1e-4, 'the check can tell');
});

test('the scale grows by the growth factor after growthInterval clean steps, and a skip restarts the count', async () => {
  await selectBackend('cpu');
  const clean = await runSteps({ mode: 'dynamic', steps: 7, settings: { growthInterval: 3, initScale: 8 } });
  assert.deepEqual(scalesOf(clean.values), [8, 8, 16, 16, 16, 32, 32]);
  const skipped = await runSteps({ mode: 'dynamic', steps: 6, poison: [1], settings: { growthInterval: 3, initScale: 8 } });
  assert.deepEqual(scalesOf(skipped.values), [8, 4, 4, 4, 8, 8]);
  const growth3 = await runSteps({ mode: 'dynamic', steps: 4, poison: [0, 1], settings: { growthInterval: 2, initScale: 8, growthFactor: 4, backoffFactor: 0.25 } });
  assert.deepEqual(scalesOf(growth3.values), [2, 0.5, 0.5, 2]);
});

test('unscaling divides by exactly the scale: without overflow, k loss-scaled steps give the fp32 parameters within 1e-6', async () => {
  await selectBackend('cpu');
  const lr = (s: number) => 1e-2 * (1 - s / 10);
  const scaled = await runSteps({ mode: 'dynamic', steps: 6, lr });
  const fp32 = await runSteps({ mode: 'off', steps: 6, lr });
  assert.deepEqual(skipsOf(scaled.values), [0, 0, 0, 0, 0, 0]);
  scaled.snapshots.forEach((s, i) => {
    const d = maxRelDiff(s.params, fp32.snapshots[i].params);
    assert.ok(d < 1e-6, `step ${i + 1}: parameters differ by ${d} relative`);
  });
  // the losses and gradient norms reported are the unscaled ones
  scaled.values.forEach((v, i) => {
    assert.ok(Math.abs(v[0] - fp32.values[i][0]) <= 1e-6 * Math.abs(fp32.values[i][0]), `loss ${v[0]} vs ${fp32.values[i][0]}`);
    assert.ok(Math.abs(v[1] - fp32.values[i][1]) <= 1e-6 * Math.abs(fp32.values[i][1]), `norm ${v[1]} vs ${fp32.values[i][1]}`);
  });
  // without Adam's bias correction too
  const a = await runSteps({ mode: 'dynamic', steps: 4, correctBias: false });
  const b = await runSteps({ mode: 'off', steps: 4, correctBias: false });
  assert.ok(maxRelDiff(a.snapshots[3].params, b.snapshots[3].params) < 1e-6);
});

test('the gradients through a power-of-two scale, divided by it again, are the fp32 gradients bit for bit', async () => {
  await selectBackend('cpu');
  const w = tf.variable(tf.tensor2d([[0.3, -1.7], [2.5, 1e-3]]), true, 'ls-grad/w');
  const x = tf.tensor2d([[1.5, -0.25], [3, 7e-4]]);
  const f = () => tf.sum(tf.square(tf.matMul(x, w))) as tf.Scalar;
  const opt = new AdamW([w]);
  const scaler = lossScaler('dynamic', opt, { initScale: 2 ** 20 });
  const plain = tf.variableGrads(f, [w]);
  const scaled = scaler.gradients(f, [w]);
  assert.deepEqual(Array.from(scaled.grads[w.name].dataSync()), Array.from(plain.grads[w.name].dataSync()));
  assert.equal(scaled.value.dataSync()[0], plain.value.dataSync()[0]);
  const skip = scaler.overflow(scaled.grads)!;
  assert.equal(skip.dataSync()[0], 0);
  tf.dispose([plain.value, scaled.value, skip, ...Object.values(plain.grads), ...Object.values(scaled.grads), x]);
  scaler.dispose(); opt.dispose(); w.dispose();
});

test('the overflow flag is 1 for an inf, a -inf or a NaN in any gradient, else 0', async () => {
  await selectBackend('cpu');
  const flag = (vals: number[][]) => {
    const grads = Object.fromEntries(vals.map((v, i) => [`g${i}`, tf.tensor1d(v)]));
    const f = nonFiniteFlag(grads);
    const out = f.dataSync()[0];
    tf.dispose([f, ...Object.values(grads)]);
    return out;
  };
  assert.equal(flag([[1, 2], [3e38, -3e38]]), 0);
  assert.equal(flag([[1, 2], [3, Infinity]]), 1);
  assert.equal(flag([[-Infinity, 2], [3, 4]]), 1);
  assert.equal(flag([[1, NaN], [3, 4]]), 1);
  assert.equal(flag([[Infinity, -Infinity]]), 1);
});

test('with loss scaling off the step is the step as it was before loss scaling, bit for bit', async () => {
  await selectBackend('cpu');
  const lr = (s: number) => 1e-2 * (1 + s) / 4;
  const off = await runSteps({ mode: 'off', steps: 5, lr });
  const reference = await runSteps({ mode: 'reference', steps: 5, lr });
  off.snapshots.forEach((s, i) => {
    assert.ok(sameBits(s.params, reference.snapshots[i].params), `step ${i + 1}: parameters`);
    assert.ok(sameBits(s.m, reference.snapshots[i].m) && sameBits(s.v, reference.snapshots[i].v), `step ${i + 1}: moments`);
  });
  assert.deepEqual(off.values, reference.values);
  assert.equal(off.values[0].length, 3, 'no loss-scaling readouts');
  assert.equal(off.scaler, null);
  assert.equal(lossScaler('off', new AdamW([])), NO_SCALING);
});

test('loss-scaled steps leak no tensors, skipped or not', async () => {
  await selectBackend('cpu');
  const r = await runSteps({ mode: 'dynamic', steps: 8, poison: [4] });
  assert.ok(r.memory.every((n) => n === r.memory[0]), `tensors after each step: ${r.memory}`);
});

test('WID\'s penalty leaves Adam\'s first moment alone on a skipped step and writes it as before otherwise', async () => {
  await selectBackend('cpu');
  const run = (skip: number | null) => {
    const v = tf.variable(tf.tensor1d([0.5, -1, 2, 4]), true, `ls-penalty-${skip}/encoder.layer.0.output.dense.bias`);
    const m = tf.variable(tf.tensor1d([0.1, 0.2, 0.3, 0.4]), false);
    const keep: KeepVectors = { residual: tf.tensor1d([1, 0, 1, 0]), attention: [], intermediate: [], masked: { residual: tf.tensor1d([0, 1, 0, 1]), attention: [], intermediate: [] } };
    const targets: PenaltyTarget[] = [{ variable: v, group: { kind: 'residual' }, axis: 'vector', compactor: false }];
    const flag = skip === null ? null : tf.scalar(skip);
    const grads = { [v.name]: tf.tensor1d([1, 1, 1, 1]) };
    const out = authorsPenalty(grads, targets, keep, { step: 5, firstMaskStep: 1, lambda: 20 }, { firstMoment: () => m, ...(flag ? { skip: flag } : {}) });
    const moment = Array.from(m.dataSync());
    tf.dispose([v, m, keep.residual, keep.masked.residual, ...Object.values(grads), ...Object.values(out), ...(flag ? [flag] : [])]);
    return moment;
  };
  assert.deepEqual(run(1), [0.1, 0.2, 0.3, 0.4].map((x) => Math.fround(x)));
  const written = run(0);
  assert.deepEqual(written, run(null), 'not skipped: the same write as without loss scaling');
  assert.notDeepEqual(written, run(1));
});

test('the overflow flag reads no gradient in one workgroup: no Sum folds more than 65,536 entries into one value (BERT-shaped gradients)', async () => {
  // tfjs-webgpu reduces a whole tensor to a scalar in ONE workgroup: a one-pass sum of the [30522, H] word-embedding
  // gradient read ~60 MB serially on one SM every loss-scaled step (the f16-tc GLUE fine-tunes ran ~20-28 ms a step
  // slower than fp32 on the H100). The flag must sum big matrices by rows first, and still see every inf and NaN.
  await selectBackend('cpu');
  const shapes: Record<string, number[]> = { emb: [30522, 8], ffn: [512, 160], bias: [2048], ln: [64] };
  const run = (poison: { name: string; at: number; value: number } | null) => {
    const grads: tf.NamedTensorMap = {};
    for (const [n, s] of Object.entries(shapes)) {
      const size = s.reduce((a, b) => a * b, 1);
      const v = Float32Array.from({ length: size }, (_, i) => ((i * 7919) % 101) / 101 - 0.5);
      if (poison?.name === n) v[poison.at] = poison.value;
      grads[n] = tf.tensor(v, s);
    }
    let flag = -1;
    const before = tf.memory().numTensors;
    return tf.profile(() => { const f = nonFiniteFlag(grads); flag = f.dataSync()[0]; f.dispose(); }).then((p) => {
      const leaked = tf.memory().numTensors - before;
      tf.dispose(Object.values(grads));
      const sums = p.kernels.filter((k) => k.name === 'Sum');
      const folds = sums.map((k) => k.inputShapes[0]!.reduce((a, b) => a * b, 1) / Math.max(1, k.outputShapes[0]!.reduce((a, b) => a * b, 1)));
      return { flag, folds, leaked };
    });
  };
  const clean = await run(null);
  assert.equal(clean.flag, 0);
  assert.equal(clean.leaked, 0);
  assert.ok(clean.folds.length >= 4, `${clean.folds.length} Sum kernels`);
  assert.ok(Math.max(...clean.folds) <= 65536, `a Sum folds ${Math.max(...clean.folds)} entries into one value (${clean.folds.join(', ')})`);
  // WID_OVERFLOW_SUM=scalar: the one-pass sums as before (A/B on a GPU), the same flag
  process.env.WID_OVERFLOW_SUM = 'scalar';
  try {
    const scalar = await run(null);
    assert.equal(scalar.flag, 0);
    assert.equal(Math.max(...scalar.folds), 30522 * 8);
    assert.equal((await run({ name: 'emb', at: 5, value: NaN })).flag, 1);
    process.env.WID_OVERFLOW_SUM = 'rows';
    const z = tf.zeros([2]);
    assert.throws(() => nonFiniteFlag({ g: z }), /WID_OVERFLOW_SUM must be scalar/);
    z.dispose();
  } finally {
    delete process.env.WID_OVERFLOW_SUM;
  }
  for (const value of [Infinity, -Infinity, NaN]) {
    for (const [name, at] of [['emb', 30522 * 8 - 1], ['emb', 12345], ['ffn', 0], ['bias', 2047]] as const) {
      assert.equal((await run({ name, at, value })).flag, 1, `${value} at ${name}[${at}]`);
    }
  }
});
