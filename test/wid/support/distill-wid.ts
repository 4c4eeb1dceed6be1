// Runs a WID method through the shared loop on the tiny teacher's corpus fixture (the SwiftShader children of the
// mask-event tests) and returns its losses, the exported student's weights and the capture status.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { LoadedHfModel } from '../../../src-main/engine/checkpoint/index.js';
import { runDistillation } from '../../../src-main/engine/train/loop.js';
import type { WidMethod } from '../../../src-main/engine/methods/wid/index.js';
import { corpusTokenizer } from '../../baselines/support/corpus-tokenizer.js';

export async function distillWid(teacher: LoadedHfModel, method: WidMethod, steps: number, tag: string) {
  const losses: number[] = [];
  const summary = await runDistillation({
    method, tokenizer: corpusTokenizer(teacher.tokenizer!), corpusPath: 'test/fixtures/corpus/pride-and-prejudice.txt',
    budget: { steps, seqLen: 16, batchSize: 2, padTo: 'seqLen' },
    optimizer: { lr: 1e-3, warmupSteps: 2, weightDecay: 0.01, clipNorm: 0, correctBias: false },
    seed: 3, checkpointEvery: 0, workDir: mkdtempSync(join(tmpdir(), `${tag}-`)), readEvery: 4,
    onProgress: (p) => losses.push(p.values.loss),
  });
  const student = method.exportStudent();
  const weights = await Promise.all(Object.keys(student.weights).sort().map(async (k) => Array.from(await student.weights[k].data())));
  tf.dispose(Object.values(student.weights));
  return { losses, weights, capture: summary.capture };
}

/** The largest |a - b| over two equally shaped lists of rows. */
export const maxDiff = (a: number[][], b: number[][]) => a.reduce((d, x, i) => x.reduce((e, v, j) => Math.max(e, Math.abs(v - b[i][j])), d), 0);
