// Child process of device-masks.test.ts (webgpu on SwiftShader, set up by the parent): WID under the authors' schedule
// through runDistillation, a mask event after every step (wStep = 1) and one run with events every 3 steps, each with
// the masks chosen on the device (default) and on the CPU (WID_DEVICE_MASKS=off), from the same start. Counts the
// buffer maps (reads back to the CPU) issued inside afterStepAsync at each event, and compares losses, the exported
// student, the mask log and the checkpointed state. Prints one JSON line.
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { loadHfModel } from '../../src-main/engine/checkpoint/index.js';
import { createWidMethod, type WidMasks } from '../../src-main/engine/methods/wid/index.js';
import { distillWid, maxDiff } from './support/distill-wid.js';

const backend = await selectBackend('webgpu');
const teacher = await loadHfModel('test/fixtures/bert/tiny-teacher');
let maps = 0;
const mapAsync = GPUBuffer.prototype.mapAsync;
GPUBuffer.prototype.mapAsync = function (this: GPUBuffer, ...a: Parameters<GPUBuffer['mapAsync']>) { maps++; return mapAsync.apply(this, a); };

async function runOnce(mode: 'on' | 'off', steps: number, maskEvery?: number) {
  const before = process.env.WID_DEVICE_MASKS;
  process.env.WID_DEVICE_MASKS = mode;
  const method = createWidMethod(teacher, { preset: 'wid55', ...(maskEvery ? { maskEvery } : {}), variablePrefix: `wid-device-masks-${mode}-${steps}/` });
  const log: { step: number; event: number; masks: WidMasks }[] = [];
  method.onMaskEvent((e) => log.push(JSON.parse(JSON.stringify(e))));
  // maps issued inside afterStepAsync at each event (the loop's own lagged loss reads come between the calls)
  const eventMaps: number[] = [];
  const after = method.afterStepAsync.bind(method);
  method.afterStepAsync = async (step, total, o) => {
    const m0 = maps, e0 = method.eventsApplied();
    const r = await after(step, total, o);
    if (step + 1 === total || method.eventsApplied() !== e0 || maps !== m0) eventMaps.push(maps - m0);
    return r;
  };
  try {
    const { losses, weights, capture } = await distillWid(teacher, method, steps, `wid-device-masks-${mode}`);
    const saved = method.saveState();
    const state = saved.json;
    tf.dispose(Object.values(saved.tensors));
    return { losses, weights, log, state, eventMaps, capture, events: method.eventsApplied() };
  } finally {
    method.dispose();
    if (before === undefined) delete process.env.WID_DEVICE_MASKS; else process.env.WID_DEVICE_MASKS = before;
  }
}

const out = [];
for (const [steps, maskEvery] of [[8, undefined], [9, 0.34]] as [number, number | undefined][]) {
  const off = await runOnce('off', steps, maskEvery);
  const on = await runOnce('on', steps, maskEvery);
  out.push({
    steps, events: on.events, eventsOff: off.events, lossDiff: maxDiff([on.losses], [off.losses]), losses: on.losses.length,
    weightDiff: maxDiff(on.weights, off.weights), sameLog: JSON.stringify(on.log) === JSON.stringify(off.log), logLength: on.log.length,
    sameState: JSON.stringify(on.state) === JSON.stringify(off.state),
    mapsOn: on.eventMaps, mapsOff: off.eventMaps, captureOn: on.capture, captureOff: off.capture,
  });
}
console.log(JSON.stringify({ device: backend.device, layers: teacher.config.numHiddenLayers, runs: out }));
