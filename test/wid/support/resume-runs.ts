// Stop-and-resume runs of WID (authors' schedule: masks chosen every step of this short run, keep vectors on the
// device under webgpu) and TinyBERT on the tiny teacher, on whichever backend is selected: an uninterrupted 8-step
// run against one checkpointed every 2 steps, stopped after step 5 and resumed by a freshly built method.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadHfModel, type LoadedHfModel } from '../../../src-main/engine/checkpoint/index.js';
import { createWidMethod } from '../../../src-main/engine/methods/wid/index.js';
import { createTinyBertMethod } from '../../../src-main/engine/methods/tinybert/index.js';
import { runDistillation } from '../../../src-main/engine/train/loop.js';
import type { DistillMethod } from '../../../src-main/engine/train/method.js';
import { corpusTokenizer } from '../../baselines/support/corpus-tokenizer.js';

const TINY_TEACHER = new URL('../../fixtures/bert/tiny-teacher', import.meta.url).pathname;
const CORPUS = new URL('../../fixtures/corpus/pride-and-prejudice.txt', import.meta.url).pathname;
export const STEPS = 8, STOP_AFTER = 5;

export interface ResumeParity { straight: number[]; joined: number[]; resumedFrom: number | null }

async function losses(teacher: LoadedHfModel, make: () => DistillMethod, dir: string, resume: boolean, stopAfter?: number) {
  const method = make();
  const out: number[] = [];
  const stop = new AbortController();
  try {
    const summary = await runDistillation({
      method, tokenizer: corpusTokenizer(teacher.tokenizer!), corpusPath: CORPUS,
      budget: { steps: STEPS, seqLen: 16, batchSize: 2 }, optimizer: { lr: 1e-3, warmupSteps: 1, weightDecay: 0.01, clipNorm: 1 },
      seed: 9, checkpointEvery: 2, keepCheckpoints: 10, readEvery: 1, workDir: dir, resume, signal: stop.signal,
      onProgress: (p) => { out.push(p.values.loss); if (p.step === stopAfter) stop.abort(); },
    });
    return { losses: out, resumedFrom: summary.resumedFromStep };
  } finally {
    method.dispose();
  }
}

/** Per method: the uninterrupted losses and those of the stopped + resumed run. */
export async function resumeParity(): Promise<Record<'wid' | 'tinybert', ResumeParity>> {
  const teacher = await loadHfModel(TINY_TEACHER);
  const makers = {
    wid: () => createWidMethod({ config: teacher.config, weights: teacher.weights }, { target: { hidden: 32, heads: 4, intermediate: 64, layers: 2 } }),
    tinybert: () => createTinyBertMethod(teacher, { seed: 4 }),
  };
  const out = {} as Record<'wid' | 'tinybert', ResumeParity>;
  for (const [name, make] of Object.entries(makers) as ['wid' | 'tinybert', () => DistillMethod][]) {
    const straight = (await losses(teacher, make, mkdtempSync(join(tmpdir(), 'wid-resume-')), false)).losses;
    const dir = mkdtempSync(join(tmpdir(), 'wid-resume-'));
    const first = await losses(teacher, make, dir, false, STOP_AFTER);
    const rest = await losses(teacher, make, dir, true);
    out[name] = { straight, joined: [...first.losses, ...rest.losses], resumedFrom: rest.resumedFrom };
  }
  return out;
}
