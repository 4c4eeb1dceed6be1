// Stop and resume on webgpu (SwiftShader): a checkpoint written after an earlier one holds its own step's
// parameters although tfjs cached the earlier read and the optimiser and replays update them in place, so the
// resumed run continues with the losses of an uninterrupted one; and the elapsed seconds count the wait for the GPU.
// The runs are in the child script.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runOnSwiftShader, swiftshaderSkip } from '../support/swiftshader.js';

interface Result {
  device: string; straight: number[]; joined: number[]; stoppedSteps: number; resumedFrom: number | null;
  checkpointSteps: number[]; paramTensors: number; paramTensorsChanged: number;
  capture: { path: string; replayedSteps: number }; stoppedCapture: { path: string; replayedSteps: number };
  straightWall: number; straightElapsed: number;
}

const child = fileURLToPath(new URL('./resume-webgpu-swiftshader.ts', import.meta.url));
let result: Result | undefined;
const run = () => (result ??= runOnSwiftShader<Result>(child, 580_000));

test('on webgpu a run stopped after a checkpoint resumes with the losses of an uninterrupted run (later checkpoints are not the cached earlier read)',
  { skip: swiftshaderSkip, timeout: 600_000 }, () => {
    const r = run();
    assert.match(r.device, /swiftshader/i);
    assert.equal(r.capture.path, 'replay', 'the steps replay a capture, so replays update parameters in place');
    assert.ok(r.stoppedCapture.replayedSteps > 0);
    assert.deepEqual(r.checkpointSteps, [2, 4, 5]);
    assert.equal(r.stoppedSteps, 5);
    assert.equal(r.resumedFrom, 5);
    assert.equal(r.paramTensorsChanged, r.paramTensors, 'every parameter changed between the step-2 and step-5 checkpoints');
    assert.equal(r.joined.length, r.straight.length);
    r.joined.forEach((l, i) => assert.ok(Math.abs(l - r.straight[i]) < 1e-5, `step ${i + 1}: ${l} resumed vs ${r.straight[i]} uninterrupted`));
  });

test('on webgpu the elapsed seconds of a run include waiting for the GPU (steps are submitted, their losses read 8 steps later)',
  { skip: swiftshaderSkip, timeout: 600_000 }, () => {
    const r = run();
    // the loop is nearly all of the call; timing the submits alone gave ~17 % of it
    assert.ok(r.straightElapsed >= 0.7 * r.straightWall, `elapsed ${r.straightElapsed} s of a ${r.straightWall} s run`);
  });
