// tiny-run.ts for students of any family: a few steps through the shared loop, then the student written by its
// family's export (model-family/) and read back with loadAnyHfModel.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAnyHfModel, type LoadedAnyModel, type LoadedHfModel } from '../../../src-main/engine/checkpoint/index.js';
import { disposeWeights } from '../../../src-main/engine/bert/index.js';
import { familyOps } from '../../../src-main/engine/model-family/index.js';
import { runDistillation } from '../../../src-main/engine/train/loop.js';
import type { DistillMethod } from '../../../src-main/engine/train/method.js';
import { corpusTokenizer } from './corpus-tokenizer.js';

const CORPUS = new URL('../../fixtures/corpus/pride-and-prejudice.txt', import.meta.url).pathname;

export async function tinyFamilyRun(teacher: LoadedHfModel, method: DistillMethod, steps: number, lr: number):
  Promise<{ losses: number[]; parts: Record<string, number[]>; reloaded: LoadedAnyModel }> {
  const losses: number[] = [];
  const parts: Record<string, number[]> = {};
  try {
    await runDistillation({
      method, tokenizer: corpusTokenizer(teacher.tokenizer!), corpusPath: CORPUS,
      budget: { steps, seqLen: 32, batchSize: 4 },
      optimizer: { lr, warmupSteps: 1, weightDecay: 0.01, clipNorm: 1 },
      seed: 3, checkpointEvery: 0, workDir: mkdtempSync(join(tmpdir(), `wid-${method.name}-`)),
      onProgress: (p) => {
        losses.push(p.values.loss);
        for (const [k, v] of Object.entries(p.values)) if (k.startsWith('loss/')) (parts[k.slice(5)] ??= []).push(v);
      },
    });
    const exportDir = join(mkdtempSync(join(tmpdir(), `wid-${method.name}-export-`)), 'student');
    const student = method.exportStudent();
    try {
      await familyOps(student.family).save(exportDir, { config: student.config, weights: student.weights, role: 'mlm', vocabPath: teacher.vocabPath });
    } finally {
      disposeWeights(student.weights);
    }
    return { losses, parts, reloaded: await loadAnyHfModel(exportDir) };
  } finally {
    method.dispose();
  }
}
