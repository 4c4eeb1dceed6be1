// A few distillation steps of a method on the tiny teacher fixture through the shared loop, then the exported
// student written by its family's export (model-family/) and read back with loadAnyHfModel: any family.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../src-main/engine/backend/index.js';
import { loadAnyHfModel, loadHfModel, type LoadedAnyModel, type LoadedHfModel, type ModelFamily } from '../../../src-main/engine/checkpoint/index.js';
import { disposeWeights } from '../../../src-main/engine/bert/index.js';
import { familyOps } from '../../../src-main/engine/model-family/index.js';
import { runDistillation, type DistillationSummary } from '../../../src-main/engine/train/loop.js';
import type { DistillMethod } from '../../../src-main/engine/train/method.js';
import { corpusTokenizer } from './corpus-tokenizer.js';

export const TINY_TEACHER = new URL('../../fixtures/bert/tiny-teacher', import.meta.url).pathname;
const CORPUS = new URL('../../fixtures/corpus/pride-and-prejudice.txt', import.meta.url).pathname;

/** The tiny teacher on wasm, loaded before the file's tests and freed after them: read it as `fixture.teacher`. */
export function tinyTeacherFixture(): { readonly teacher: LoadedHfModel } {
  const fixture = {} as { teacher: LoadedHfModel };
  before(async () => {
    await selectBackend('wasm');
    fixture.teacher = await loadHfModel(TINY_TEACHER);
  });
  after(() => disposeWeights(fixture.teacher.weights));
  return fixture;
}

export interface TinyRunResult<M extends LoadedAnyModel> {
  summary: DistillationSummary;
  losses: number[];
  parts: Record<string, number[]>;
  /** The exported student after save + load. */
  reloaded: M;
  exportDir: string;
}

/** `family` is the student's (BERT by default): the reloaded model is checked to be of it. */
export async function tinyRun<F extends ModelFamily = 'bert'>(
  teacher: LoadedHfModel, method: DistillMethod | (() => DistillMethod), steps: number, lr: number,
  opts: { family?: F; warmupSteps?: number; corpusPath?: string } = {},
): Promise<TinyRunResult<Extract<LoadedAnyModel, { family: F }>>> {
  const m = typeof method === 'function' ? method() : method;
  const losses: number[] = [];
  const parts: Record<string, number[]> = {};
  try {
    const summary = await runDistillation({
      method: m, tokenizer: corpusTokenizer(teacher.tokenizer!), corpusPath: opts.corpusPath ?? CORPUS,
      budget: { steps, seqLen: 32, batchSize: 4 },
      optimizer: { lr, warmupSteps: opts.warmupSteps ?? 2, weightDecay: 0.01, clipNorm: 1 },
      seed: 3, checkpointEvery: 0, workDir: mkdtempSync(join(tmpdir(), `wid-${m.name}-`)),
      onProgress: (p) => {
        losses.push(p.values.loss);
        for (const [k, v] of Object.entries(p.values)) if (k.startsWith('loss/')) (parts[k.slice(5)] ??= []).push(v);
      },
    });
    const exportDir = join(mkdtempSync(join(tmpdir(), `wid-${m.name}-export-`)), 'student');
    const student = m.exportStudent();
    try {
      await familyOps(student.family).save(exportDir, { config: student.config, weights: student.weights, role: 'mlm', vocabPath: teacher.vocabPath });
    } finally {
      disposeWeights(student.weights);
    }
    const reloaded = await loadAnyHfModel(exportDir);
    const family = opts.family ?? 'bert';
    if (reloaded.family !== family) {
      disposeWeights(reloaded.weights);
      throw new Error(`${m.name} exported a ${reloaded.family} student; expected ${family}`);
    }
    return { summary, losses, parts, reloaded: reloaded as Extract<LoadedAnyModel, { family: F }>, exportDir };
  } finally {
    m.dispose();
  }
}

export const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export function countTensors(): number {
  return tf.memory().numTensors;
}
