// Child process of mask-event-replay.test.ts (webgpu on SwiftShader, set up by the parent): WID under the authors'
// schedule through runDistillation with a mask event after every step (10 steps: wStep = max(1, round(0.00125 · 10))
// = 1), once with capture and once eagerly (WID_CAPTURE=off), from the same start. Prints one JSON line.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { loadHfModel } from '../../src-main/engine/checkpoint/index.js';
import { runDistillation } from '../../src-main/engine/train/loop.js';
import { createWidMethod } from '../../src-main/engine/methods/wid/index.js';
import { corpusTokenizer } from '../baselines/support/corpus-tokenizer.js';

const backend = await selectBackend('webgpu');
const teacher = await loadHfModel('test/fixtures/bert/tiny-teacher');
const STEPS = 10;

async function runOnce(mode: 'auto' | 'off') {
  const before = process.env.WID_CAPTURE;
  process.env.WID_CAPTURE = mode;
  const method = createWidMethod(teacher, { preset: 'wid55', variablePrefix: `wid-mask-replay-${mode}/` });
  const losses: number[] = [];
  try {
    const summary = await runDistillation({
      method, tokenizer: corpusTokenizer(teacher.tokenizer!), corpusPath: 'test/fixtures/corpus/pride-and-prejudice.txt',
      budget: { steps: STEPS, seqLen: 16, batchSize: 2, padTo: 'seqLen' },
      optimizer: { lr: 1e-3, warmupSteps: 2, weightDecay: 0.01, clipNorm: 0, correctBias: false },
      seed: 3, checkpointEvery: 0, workDir: mkdtempSync(join(tmpdir(), `wid-mask-replay-${mode}-`)), readEvery: 4,
      onProgress: (p) => losses.push(p.values.loss),
    });
    const student = method.exportStudent();
    const weights = await Promise.all(Object.keys(student.weights).sort().map(async (k) => Array.from(await student.weights[k].data())));
    tf.dispose(Object.values(student.weights));
    return { losses, weights, capture: summary.capture, events: (method as ReturnType<typeof createWidMethod>).eventsApplied() };
  } finally {
    method.dispose();
    if (before === undefined) delete process.env.WID_CAPTURE; else process.env.WID_CAPTURE = before;
  }
}

const maxDiff = (a: number[][], b: number[][]) => a.reduce((d, x, i) => x.reduce((e, v, j) => Math.max(e, Math.abs(v - b[i][j])), d), 0);
const a = await runOnce('auto');
const b = await runOnce('off');
console.log(JSON.stringify({
  device: backend.device, steps: STEPS, events: a.events, losses: a.losses,
  lossDiff: maxDiff([a.losses], [b.losses]), weightDiff: maxDiff(a.weights, b.weights), capture: a.capture, eagerCapture: b.capture,
}));
