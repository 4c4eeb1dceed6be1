// Child process of family-webgpu.test.ts: an ALBERT and a MobileBERT fixture on the webgpu backend (SwiftShader,
// set up by the parent) — the MLM forward, then fine-tuning steps (the first recorded, later ones replayed from the
// capture) — and the `albert` and `mobilebert` methods' distillation steps on the tiny BERT teacher; then the same on
// the cpu backend, for the parent to compare. Prints one JSON line.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { loadAnyHfModel } from '../../src-main/engine/checkpoint/index.js';
import { disposeWeights } from '../../src-main/engine/bert/index.js';
import { familyOps } from '../../src-main/engine/model-family/index.js';
import { fineTune } from '../../src-main/engine/glue/finetune.js';
import { loadGlueSplit } from '../../src-main/engine/glue/tsv-loader.js';
import { runDistillation } from '../../src-main/engine/train/loop.js';
import { createAlbertMethod } from '../../src-main/engine/methods/albert/index.js';
import { createMobileBertMethod } from '../../src-main/engine/methods/mobilebert/index.js';
import { loadHfModel } from '../../src-main/engine/checkpoint/index.js';
import { corpusTokenizer } from '../baselines/support/corpus-tokenizer.js';

const FIXTURES = ['test/fixtures/albert-shared', 'test/fixtures/mobilebert-nonorm'];
const train = loadGlueSplit('test/fixtures/glue', 'RTE', 'train')[0].examples.slice(0, 32);
const dev = loadGlueSplit('test/fixtures/glue', 'RTE', 'dev').map((d) => ({ ...d, examples: d.examples.slice(0, 8) }));
const hp = { lr: 1e-3, epochs: 1, batchSize: 8, maxLength: 32, warmupRatio: 0, weightDecay: 0.01, dropout: 0, seed: 3 };

interface FixtureRun { family: string; logits: number[]; losses: number[]; path: string; reason: string | null; replayed: number; leaked: number }

async function runFixture(dir: string): Promise<FixtureRun> {
  const model = await loadAnyHfModel(dir);
  const ops = familyOps(model.family);
  const ids = tf.tensor2d([[2, 40, 41, 42, 43, 3, 0, 0], [2, 100, 7, 300, 9, 17, 23, 3]], undefined, 'int32');
  const mask = tf.tensor2d([[1, 1, 1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 1, 1, 1]], undefined, 'int32');
  const logitsT = tf.tidy(() => {
    const out = ops.encode(model.weights, model.config as never, { inputIds: ids, attentionMask: mask });
    // a strided sample of the MLM logits keeps the JSON small and still covers every position
    return ops.mlmLogits(model.weights, model.config as never, out.lastHiddenState).reshape([-1]).gather(tf.range(0, 2 * 8 * model.config.vocabSize, 97, 'int32'));
  });
  const logits = Array.from(await logitsT.data());
  tf.dispose([logitsT, ids, mask]);
  const before = tf.memory().numTensors;
  const losses: number[] = [];
  const r = await fineTune({ model, tokenizer: model.tokenizer!, task: 'RTE', trainRows: train, devSplits: dev, hp, readEvery: 1,
    evalBatchSize: 8, onProgress: (p) => losses.push(p.loss) });
  const leaked = tf.memory().numTensors - before;
  disposeWeights(model.weights);
  const c = r.capture.train;
  return { family: model.family, logits, losses, path: c.path, reason: c.reason, replayed: c.replayedSteps, leaked };
}

/** Four distillation steps of each method (ALBERT: SVD init + shared layer; MobileBERT: two progressive stages, then KD). */
async function runMethods(): Promise<Record<string, { losses: number[]; path: string }>> {
  const teacher = await loadHfModel('test/fixtures/bert/tiny-teacher');
  const target = { layers: 2, hidden: 32, heads: 4, intermediate: 64 };
  const out: Record<string, { losses: number[]; path: string }> = {};
  for (const name of ['albert', 'mobilebert']) {
    const method = name === 'albert' ? await createAlbertMethod(teacher, { target, embeddingSize: 8, seed: 1 }) : createMobileBertMethod(teacher, { target, seed: 1 });
    const losses: number[] = [];
    try {
      const s = await runDistillation({ method, tokenizer: corpusTokenizer(teacher.tokenizer!), corpusPath: 'test/fixtures/corpus/pride-and-prejudice.txt',
        budget: { steps: 4, seqLen: 16, batchSize: 2 }, optimizer: { lr: 1e-3, warmupSteps: 1, weightDecay: 0.01, clipNorm: 1 }, seed: 3,
        checkpointEvery: 0, workDir: mkdtempSync(join(tmpdir(), `wid-${name}-webgpu-`)), onProgress: (p) => losses.push(p.values.loss) });
      out[name] = { losses, path: s.capture.path };
    } finally {
      method.dispose();
    }
  }
  disposeWeights(teacher.weights);
  return out;
}

async function runAll(backend: 'webgpu' | 'cpu') {
  const b = await selectBackend(backend);
  const runs: FixtureRun[] = [];
  for (const dir of FIXTURES) runs.push(await runFixture(dir));
  return { backend: b.name, device: b.device, runs, methods: await runMethods() };
}

const gpu = await runAll('webgpu');
const cpu = await runAll('cpu');
console.log(JSON.stringify({ gpu, cpu }));
