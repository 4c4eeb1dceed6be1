// Stop-and-resume runs of WID (authors' schedule: masks chosen every step of this short run, keep vectors on the
// device under webgpu) and TinyBERT on the tiny teacher, on whichever backend is selected: an uninterrupted 8-step
// run against one checkpointed every 2 steps, stopped after step 5 and resumed by a freshly built method.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadHfModel, type LoadedHfModel } from '../../../src-main/engine/checkpoint/index.js';
import { createWidMethod } from '../../../src-main/engine/methods/wid/index.js';
import { createTinyBertMethod } from '../../../src-main/engine/methods/tinybert/index.js';
import type { DistillMethod } from '../../../src-main/engine/train/method.js';
import { stopResumeLosses } from '../../baselines/support/stop-resume.js';
import { TINY_TEACHER } from '../../baselines/support/tiny-run.js';

export const STEPS = 8, STOP_AFTER = 5;

export interface ResumeParity { straight: number[]; joined: number[]; resumedFrom: number | null }

/** Per method: the uninterrupted losses and those of the stopped + resumed run. */
export async function resumeParity(): Promise<Record<'wid' | 'tinybert', ResumeParity>> {
  const teacher = await loadHfModel(TINY_TEACHER);
  const makers = {
    wid: () => createWidMethod({ config: teacher.config, weights: teacher.weights }, { target: { hidden: 32, heads: 4, intermediate: 64, layers: 2 } }),
    tinybert: () => createTinyBertMethod(teacher, { seed: 4 }),
  };
  const out = {} as Record<'wid' | 'tinybert', ResumeParity>;
  for (const [name, make] of Object.entries(makers) as ['wid' | 'tinybert', () => DistillMethod][]) {
    const run = { steps: STEPS, checkpointEvery: 2, readEvery: 1 };
    const straight = (await stopResumeLosses(teacher, make, mkdtempSync(join(tmpdir(), 'wid-resume-')), false, run)).losses;
    const dir = mkdtempSync(join(tmpdir(), 'wid-resume-'));
    const first = await stopResumeLosses(teacher, make, dir, false, { ...run, stopAfter: STOP_AFTER });
    const rest = await stopResumeLosses(teacher, make, dir, true, run);
    out[name] = { straight, joined: [...first.losses, ...rest.losses], resumedFrom: rest.resumedFrom };
  }
  return out;
}
