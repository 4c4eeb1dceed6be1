// One distillation run of a method on the tiny teacher for stop-and-resume tests: its per-step losses, stopped after
// `stopAfter` (the loop then checkpoints) or resumed from `dir`'s checkpoint.
import type { LoadedHfModel } from '../../../src-main/engine/checkpoint/index.js';
import { runDistillation } from '../../../src-main/engine/train/loop.js';
import type { DistillMethod } from '../../../src-main/engine/train/method.js';
import { corpusTokenizer } from './corpus-tokenizer.js';

const CORPUS = new URL('../../fixtures/corpus/pride-and-prejudice.txt', import.meta.url).pathname;

export interface StopResumeRun { steps: number; stopAfter?: number; checkpointEvery?: number; readEvery?: number }

export async function stopResumeLosses(teacher: LoadedHfModel, make: () => DistillMethod, dir: string, resume: boolean, run: StopResumeRun) {
  const method = make();
  const losses: number[] = [];
  const stop = new AbortController();
  try {
    const summary = await runDistillation({
      method, tokenizer: corpusTokenizer(teacher.tokenizer!), corpusPath: CORPUS,
      budget: { steps: run.steps, seqLen: 16, batchSize: 2 }, optimizer: { lr: 1e-3, warmupSteps: 1, weightDecay: 0.01, clipNorm: 1 },
      seed: 9, checkpointEvery: run.checkpointEvery ?? 0, keepCheckpoints: 10, readEvery: run.readEvery, workDir: dir, resume, signal: stop.signal,
      onProgress: (p) => {
        losses.push(p.values.loss);
        if (p.step === run.stopAfter) stop.abort();
      },
    });
    return { losses, resumedFrom: summary.resumedFromStep };
  } finally {
    method.dispose();
  }
}
