// Child process of resume-webgpu.test.ts: stop and resume on webgpu (SwiftShader). A checkpoint reads every
// parameter back to the CPU; tfjs caches what it read, while the optimiser and the captured step's replays
// update the parameters in place on the GPU. A later checkpoint must hold the parameters of its own step, so a
// run stopped after an earlier checkpoint resumes with the losses of an uninterrupted run. Prints one JSON line.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { runDistillation, type DistillationOptions } from '../../src-main/engine/train/loop.js';
import { listCheckpoints, readCheckpoint } from '../../src-main/engine/train/train-state.js';
import { studentMlmMethod } from './support/student-mlm-method.js';
import { wordTokenizer } from './support/word-tokenizer.js';

const CORPUS = new URL('../fixtures/corpus/pride-and-prejudice.txt', import.meta.url).pathname;
const STEPS = 8, STOP_AT = 5;
const backend = await selectBackend('webgpu');
const workDir = () => mkdtempSync(join(tmpdir(), 'wid-resume-webgpu-'));
const options = (method: DistillationOptions['method'], dir: string, extra: Partial<DistillationOptions>): DistillationOptions => ({
  method, tokenizer: wordTokenizer(64), corpusPath: CORPUS, budget: { steps: STEPS, seqLen: 32, batchSize: 8 },
  optimizer: { lr: 3e-3, warmupSteps: 2, weightDecay: 0.01, clipNorm: 1 }, seed: 11, checkpointEvery: 0, workDir: dir, readEvery: 1, ...extra,
});

const straight: number[] = [];
const a = studentMlmMethod(2);
const wallStarted = performance.now();
// losses read 8 steps behind, as on a GPU by default: the step time must still count the wait for the GPU
const straightRun = await runDistillation(options(a, workDir(), { readEvery: 8, onProgress: (p) => straight.push(p.values.loss) }));
const straightWall = (performance.now() - wallStarted) / 1000;
a.dispose();

// checkpoints at steps 2 and 4 (each reads the parameters back), then a stop at step 5
const dir = workDir();
const controller = new AbortController();
const firstPart: number[] = [];
const b = studentMlmMethod(2);
const stopped = await runDistillation(options(b, dir, {
  checkpointEvery: 2, keepCheckpoints: 10, signal: controller.signal,
  onProgress: (p) => { firstPart.push(p.values.loss); if (p.step === STOP_AT) controller.abort(); },
}));
b.dispose();
// the parameters of the step-2 and the step-5 checkpoints must differ: three Adam steps lie between them
const ckpts = listCheckpoints(join(dir, 'checkpoints'));
const at = (step: number) => readCheckpoint(ckpts.find((c) => c.step === step)!.path);
const [c2, c5] = [at(2), at(STOP_AT)];
let changed = 0, compared = 0;
for (const [name, t] of Object.entries(c2.tensors)) {
  if (!name.startsWith('param')) continue;
  const x = t.dataSync(), y = c5.tensors[name].dataSync();
  compared++;
  if (x.some((v, i) => v !== y[i])) changed++;
}

const secondPart: number[] = [];
const c = studentMlmMethod(99); // another init: everything must come from the checkpoint
const resumed = await runDistillation(options(c, dir, { resume: true, onProgress: (p) => secondPart.push(p.values.loss) }));
c.dispose();
const joined = [...firstPart, ...secondPart];
console.log(JSON.stringify({
  device: backend.device, straight, joined, stoppedSteps: stopped.steps, resumedFrom: resumed.resumedFromStep,
  checkpointSteps: ckpts.map((k) => k.step), paramTensors: compared, paramTensorsChanged: changed,
  capture: straightRun.capture, stoppedCapture: stopped.capture, straightWall, straightElapsed: straightRun.elapsedSeconds,
}));
