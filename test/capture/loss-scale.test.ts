// Loss-scaled steps captured on webgpu (SwiftShader): the replay of a loss-scaled step equals the eager step bit for
// bit, an overflowing (skipped) step included, with the skip read by the AdamW kernel on the device; the 'off' path is
// the step as it was before loss scaling, bit for bit; WID through the loop, its penalty on Adam's first moment
// included, replays skipped steps as it runs them eagerly. The cases are in the child script.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runOnSwiftShader, swiftshaderSkip } from '../support/swiftshader.js';

interface Status { path: string; reason: string | null; eagerSteps: number; replayedSteps: number; captures: number }
interface Result {
  device: string;
  scaled: {
    stepsEqual: boolean[]; valuesEqual: boolean; values: number[][]; capture: Status; eagerCapture: Status;
    scaler: { scale: number; skippedSteps: number; appliedSteps: number }; eagerScaler: { scale: number; skippedSteps: number; appliedSteps: number };
    skippedUnchanged: boolean; memoryAfterReplays: number[]; inPlaceDispatches: number;
  };
  off: { equal: boolean; valuesEqual: boolean; capture: Status };
  wid: {
    weightsEqual: boolean; valuesEqual: boolean; metricsEqual: boolean; capture: Status; eagerCapture: Status; scales: number[]; skippedAt: number[];
    lossScaling: { mode: string; scale: number; skippedSteps: number }; eagerLossScaling: { mode: string; scale: number; skippedSteps: number };
  };
}

const child = fileURLToPath(new URL('./loss-scale-swiftshader.ts', import.meta.url));
let result: Result | undefined;
const run = () => (result ??= runOnSwiftShader<Result>(child, 420_000));

test('a replayed loss-scaled step equals the eager one bit for bit, a skipped step included', { skip: swiftshaderSkip, timeout: 480_000 }, () => {
  const { scaled, device } = run();
  assert.match(device, /swiftshader/i);
  assert.deepEqual(scaled.stepsEqual, scaled.stepsEqual.map(() => true), 'parameters, m and v after every step');
  assert.ok(scaled.valuesEqual, 'losses, norms, skips and scales');
  assert.equal(scaled.capture.path, 'replay');
  assert.ok(scaled.capture.replayedSteps >= 7, `replayed ${scaled.capture.replayedSteps} of 10 (the skipped step 7 among them)`);
  assert.equal(scaled.eagerCapture.replayedSteps, 0);
  assert.ok(scaled.inPlaceDispatches > 0, 'the in-place AdamW kernel ran (it reads the skip flag)');
  // growth interval 3: x2 after steps 3 and 6, the overflow at step 7 halves it, then 3 clean steps double it again
  const scales = scaled.values.map((v) => v[v.length - 1]);
  assert.deepEqual(scales, [1, 1, 2, 2, 2, 4, 2, 2, 2, 4].map((x) => x * 65536));
  assert.deepEqual(scaled.values.map((v) => v[v.length - 2]), [0, 0, 0, 0, 0, 0, 1, 0, 0, 0]);
  assert.ok(scaled.skippedUnchanged, 'the skipped step left parameters, m and v as they were');
  assert.deepEqual(scaled.scaler, { scale: 4 * 65536, skippedSteps: 1, appliedSteps: 9 });
  assert.deepEqual(scaled.eagerScaler, scaled.scaler);
});

test('replayed loss-scaled steps leak no tensors', { skip: swiftshaderSkip, timeout: 480_000 }, () => {
  const m = run().scaled.memoryAfterReplays;
  assert.ok(m.every((x) => x === m[0]), `tensors after replayed steps: ${m}`);
});

test('with loss scaling off the webgpu step is the step as it was before loss scaling, bit for bit', { skip: swiftshaderSkip, timeout: 480_000 }, () => {
  const { off } = run();
  assert.ok(off.equal);
  assert.ok(off.valuesEqual);
  assert.equal(off.capture.path, 'replay');
});

test('WID through the loop with overflowing steps after its first mask: replays give the eager losses, scales, skips and student bit for bit',
  { skip: swiftshaderSkip, timeout: 480_000 }, () => {
    const { wid } = run();
    assert.ok(wid.weightsEqual, 'the exported students');
    assert.ok(wid.valuesEqual, 'every progress point\'s values');
    assert.ok(wid.metricsEqual, 'the skipped steps\' metrics');
    assert.ok(wid.lossScaling.skippedSteps >= 1, 'some steps overflowed at a scale near float32\'s largest');
    assert.deepEqual(wid.eagerLossScaling, wid.lossScaling);
    // the mask event at step 5 starts the penalty that writes Adam's first moment: the skips come after it, among replays
    assert.ok(wid.skippedAt.some((s) => s > 5), `skipped at ${wid.skippedAt}`);
    assert.equal(wid.capture.path, 'replay');
    assert.ok(wid.capture.replayedSteps >= 2, `replayed ${wid.capture.replayedSteps}`);
    assert.equal(wid.eagerCapture.replayedSteps, 0);
  });
