// Captured training steps on webgpu (SwiftShader): a replayed step gives the same losses and parameters as the
// eager step, bit for bit, for a plain MLM step, WID, DistilBERT, TinyBERT and a GLUE fine-tune; a step that
// bakes a per-step value never replays; replays leak no tensors. The cases are in the child script.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runOnSwiftShader, swiftshaderSkip } from '../support/swiftshader.js';

interface Status { path: string; reason: string | null; eagerSteps: number; replayedSteps: number; captures: number; dispatches: number }
interface Result {
  device: string;
  plain: { lossDiff: number; paramDiff: number; losses: number[]; status: Status; eagerStatus: Status; memoryAfterReplays: number[] };
  baked: { status: Status; losses: number[] };
  memoryPlan: { lossDiff: number; paramDiff: number; templateBytes: number; unplannedTemplateBytes: number; replayed: number };
  distill: Record<'wid' | 'distilbert' | 'tinybert', { lossDiff: number; weightDiff: number; steps: number; capture: Status; eagerCapture: Status; log: string[] }>;
  glue: { lossDiff: number; weightDiff: number; scores: number[][]; capture: { train: Status; evaluate: Status }; steps: number; teacherUnchanged: boolean };
  seconds: Record<string, number>;
}

const child = fileURLToPath(new URL('./captured-step-swiftshader.ts', import.meta.url));
let result: Result | undefined;
const run = () => (result ??= runOnSwiftShader<Result>(child, 840_000));

test('a replayed MLM step equals the eager step bit for bit while lr, bias corrections, dropout seed and batch change every step, across a shape change and a re-capture',
  { skip: swiftshaderSkip, timeout: 900_000 }, () => {
    const r = run();
    assert.match(r.device, /swiftshader/i);
    const { plain } = r;
    assert.equal(plain.lossDiff, 0);
    assert.equal(plain.paramDiff, 0);
    assert.equal(new Set(plain.losses).size, plain.losses.length, 'every step has its own loss');
    assert.equal(plain.status.path, 'replay');
    assert.ok(plain.status.replayedSteps >= 5, `replayed ${plain.status.replayedSteps}`);
    assert.equal(plain.status.captures, 2, 'the outside tensor replaced at step 6 makes a second template');
    assert.equal(plain.eagerStatus.replayedSteps, 0);
    assert.match(plain.eagerStatus.reason!, /WID_CAPTURE=off/);
  });

test('the memory switches (lean backward walk, shape-only adds, per-layer scopes, a submit per dispatch while recording) change no value and shrink the template', { skip: swiftshaderSkip, timeout: 900_000 }, () => {
  const m = run().memoryPlan;
  assert.equal(m.lossDiff, 0);
  assert.equal(m.paramDiff, 0);
  assert.ok(m.replayed >= 5, `replayed ${m.replayed} with WID_MEMORY_PLAN=off`);
  assert.ok(m.templateBytes < m.unplannedTemplateBytes, `template ${m.templateBytes} vs ${m.unplannedTemplateBytes} bytes with WID_MEMORY_PLAN=off`);
});

test('replayed steps leak no tensors', { skip: swiftshaderSkip, timeout: 900_000 }, () => {
  const m = run().plain.memoryAfterReplays;
  assert.ok(m.every((x) => x === m[0]), `tensors after replayed steps: ${m}`);
});

test('a step that bakes a per-step value into a constant is never replayed', { skip: swiftshaderSkip, timeout: 900_000 }, () => {
  const { baked } = run();
  assert.equal(baked.status.replayedSteps, 0);
  assert.equal(baked.status.path, 'eager');
  assert.match(baked.status.reason!, /no two recordings agreed/);
  assert.equal(baked.losses[1], 12.960000991821289); // 1.44 x 2 x 8 -> computed with step 2's scale, not step 1's
});

for (const name of ['wid', 'distilbert', 'tinybert'] as const) {
  test(`${name} through the distillation loop: replayed steps give the eager losses and student bit for bit, and the run log says so`,
    { skip: swiftshaderSkip, timeout: 900_000 }, () => {
      const d = run().distill[name];
      assert.equal(d.lossDiff, 0);
      assert.equal(d.weightDiff, 0);
      assert.equal(d.capture.path, 'replay');
      assert.ok(d.capture.replayedSteps >= 2, `replayed ${d.capture.replayedSteps} of ${d.steps}`);
      assert.match(d.log.join('\n'), /training step: replayed from a capture/);
      assert.equal(d.eagerCapture.replayedSteps, 0);
    });
}

test('a GLUE fine-tune replays its training and evaluation steps with the eager losses, scores and weights; the model it started from is unchanged',
  { skip: swiftshaderSkip, timeout: 900_000 }, () => {
    const g = run().glue;
    assert.equal(g.lossDiff, 0);
    assert.equal(g.weightDiff, 0);
    assert.deepEqual(g.scores[0], g.scores[1]);
    assert.ok(g.capture.train.replayedSteps > 0 && g.capture.evaluate.replayedSteps > 0, JSON.stringify(g.capture));
    assert.ok(g.teacherUnchanged);
  });
