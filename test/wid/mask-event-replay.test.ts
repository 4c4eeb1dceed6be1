// WID's authors' schedule on webgpu (SwiftShader): with a mask event after every step (a short run: wStep = 1) the
// loop's captured step is still replayed, with the eager run's losses and student bit for bit. Before the keep
// vectors were written in place (methods/wid/mask-state.ts) every event made a new step key and new tensors: each
// step was recorded eagerly, none replayed. The case is in the child script.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runOnSwiftShader, swiftshaderSkip } from '../support/swiftshader.js';

interface Status { path: string; reason: string | null; eagerSteps: number; replayedSteps: number; captures: number }
interface Result { device: string; steps: number; events: number; losses: number[]; lossDiff: number; weightDiff: number; capture: Status; eagerCapture: Status }

test("authors' schedule with a mask event after every step: the steps after the first mask are replayed, equal to eager bit for bit",
  { skip: swiftshaderSkip, timeout: 900_000 }, () => {
    const r = runOnSwiftShader<Result>(fileURLToPath(new URL('./mask-event-replay-swiftshader.ts', import.meta.url)), 840_000);
    assert.match(r.device, /swiftshader/i);
    assert.equal(r.events, r.steps, 'a mask event after every step');
    assert.equal(r.losses.length, r.steps);
    assert.equal(r.lossDiff, 0);
    assert.equal(r.weightDiff, 0);
    assert.equal(r.capture.path, 'replay');
    // step 0 (L2 pull, no mask yet) and steps 1, 2 (the masked step recorded twice) eager; every later one replayed
    assert.ok(r.capture.replayedSteps >= r.steps - 3, `replayed ${r.capture.replayedSteps} of ${r.steps}: ${JSON.stringify(r.capture)}`);
    assert.equal(r.eagerCapture.replayedSteps, 0);
  });
