// WID's authors' schedule on webgpu (SwiftShader): a mask event chooses the keep vectors on the device and reads the
// scores back later (methods/wid/device-masks.ts), so the loop does not wait for the GPU at each event. Before, every
// event awaited 1 + 2·layers reads (tfjs data(): each copies behind the steps already queued, so the queue drained and
// the GPU idled while the CPU chose the masks and encoded the next step); a run of 400 steps does that after every
// step. Counts the buffer maps issued inside afterStepAsync at each event, and checks that the run is bit for bit the
// one with the masks chosen on the CPU (WID_DEVICE_MASKS=off): losses, exported student, mask log, saved state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runOnSwiftShader, swiftshaderSkip } from '../support/swiftshader.js';

interface Status { path: string; replayedSteps: number; eagerSteps: number }
interface Run {
  steps: number; events: number; eventsOff: number; lossDiff: number; losses: number; weightDiff: number; sameLog: boolean; logLength: number;
  sameState: boolean; mapsOn: number[]; mapsOff: number[]; captureOn: Status; captureOff: Status;
}

test("authors' schedule: a mask event issues one staged read and does not await it; the run equals the CPU-chosen masks bit for bit",
  { skip: swiftshaderSkip, timeout: 900_000 }, () => {
    const r = runOnSwiftShader<{ device: string; layers: number; runs: Run[] }>(fileURLToPath(new URL('./device-masks-swiftshader.ts', import.meta.url)), 840_000);
    assert.match(r.device, /swiftshader/i);
    const [everyStep, every3] = r.runs;
    assert.equal(everyStep.events, everyStep.steps, 'wStep = 1: a mask event after every step');
    assert.equal(every3.events, 3, 'wStep = 3 of 9 steps');
    for (const run of r.runs) {
      assert.equal(run.eventsOff, run.events);
      assert.equal(run.losses, run.steps);
      assert.equal(run.lossDiff, 0);
      assert.equal(run.weightDiff, 0);
      assert.ok(run.sameLog, 'the mask log (written when the masks are read back) equals the CPU run\'s');
      assert.equal(run.logLength, run.events);
      assert.ok(run.sameState, 'the checkpointed masks equal the CPU run\'s');
      // on the CPU path each event reads every score vector itself, and waits for it
      assert.deepEqual(run.mapsOff, Array(run.events).fill(1 + 2 * r.layers));
      // on the device: one copy of all the scores, mapped when it is done, not awaited at the event
      assert.deepEqual(run.mapsOn, Array(run.events).fill(1), `maps per event: ${JSON.stringify(run.mapsOn)}`);
      assert.equal(run.captureOn.path, 'replay');
      assert.equal(run.captureOn.replayedSteps, run.captureOff.replayedSteps);
    }
  });
