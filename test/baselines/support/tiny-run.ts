// A few distillation steps of a baseline on the tiny teacher fixture through the shared loop, then the
// exported student written as an HF folder and read back.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadHfModel, saveHfModel, type LoadedHfModel } from '../../../src-main/engine/checkpoint/index.js';
import { disposeWeights } from '../../../src-main/engine/bert/index.js';
import { runDistillation, type DistillationSummary } from '../../../src-main/engine/train/loop.js';
import type { DistillMethod } from '../../../src-main/engine/train/method.js';
import { corpusTokenizer } from './corpus-tokenizer.js';

export const TINY_TEACHER = new URL('../../fixtures/bert/tiny-teacher', import.meta.url).pathname;
const CORPUS = new URL('../../fixtures/corpus/pride-and-prejudice.txt', import.meta.url).pathname;

export interface TinyRunResult {
  summary: DistillationSummary;
  losses: number[];
  parts: Record<string, number[]>;
  /** The exported student after save + load. */
  reloaded: LoadedHfModel;
  exportDir: string;
}

export async function tinyRun(
  teacher: LoadedHfModel, makeMethod: () => DistillMethod, steps: number, lr: number,
): Promise<TinyRunResult> {
  const method = makeMethod();
  const losses: number[] = [];
  const parts: Record<string, number[]> = {};
  try {
    const summary = await runDistillation({
      method, tokenizer: corpusTokenizer(teacher.tokenizer!), corpusPath: CORPUS,
      budget: { steps, seqLen: 32, batchSize: 4 },
      optimizer: { lr, warmupSteps: 2, weightDecay: 0.01, clipNorm: 1 },
      seed: 3, checkpointEvery: 0, workDir: mkdtempSync(join(tmpdir(), `wid-${method.name}-`)),
      onProgress: (p) => {
        losses.push(p.values.loss);
        for (const [k, v] of Object.entries(p.values)) if (k.startsWith('loss/')) (parts[k.slice(5)] ??= []).push(v);
      },
    });
    const exportDir = join(mkdtempSync(join(tmpdir(), `wid-${method.name}-export-`)), 'student');
    const student = method.exportStudent();
    try {
      await saveHfModel(exportDir, { config: student.config, weights: student.weights, architecture: 'BertForMaskedLM', vocabPath: teacher.vocabPath });
    } finally {
      disposeWeights(student.weights);
    }
    return { summary, losses, parts, reloaded: await loadHfModel(exportDir), exportDir };
  } finally {
    method.dispose();
  }
}

export const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export function countTensors(): number {
  return tf.memory().numTensors;
}
