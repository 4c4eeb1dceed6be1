// Child process of mask-event-replay.test.ts (webgpu on SwiftShader, set up by the parent): WID under the authors'
// schedule through runDistillation with a mask event after every step (10 steps: wStep = max(1, round(0.00125 · 10))
// = 1), once with capture and once eagerly (WID_CAPTURE=off), from the same start. Prints one JSON line.
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { loadHfModel } from '../../src-main/engine/checkpoint/index.js';
import { createWidMethod } from '../../src-main/engine/methods/wid/index.js';
import { distillWid, maxDiff } from './support/distill-wid.js';

const backend = await selectBackend('webgpu');
const teacher = await loadHfModel('test/fixtures/bert/tiny-teacher');
const STEPS = 10;

async function runOnce(mode: 'auto' | 'off') {
  const before = process.env.WID_CAPTURE;
  process.env.WID_CAPTURE = mode;
  const method = createWidMethod(teacher, { preset: 'wid55', variablePrefix: `wid-mask-replay-${mode}/` });
  try {
    const { losses, weights, capture } = await distillWid(teacher, method, STEPS, `wid-mask-replay-${mode}`);
    return { losses, weights, capture, events: method.eventsApplied() };
  } finally {
    method.dispose();
    if (before === undefined) delete process.env.WID_CAPTURE; else process.env.WID_CAPTURE = before;
  }
}

const a = await runOnce('auto');
const b = await runOnce('off');
console.log(JSON.stringify({
  device: backend.device, steps: STEPS, events: a.events, losses: a.losses,
  lossDiff: maxDiff([a.losses], [b.losses]), weightDiff: maxDiff(a.weights, b.weights), capture: a.capture, eagerCapture: b.capture,
}));
