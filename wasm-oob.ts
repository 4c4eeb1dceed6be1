import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '/work/main/src-main/engine/backend/index.ts';
import { distillJob } from '/work/main/src-main/engine/jobs/distill.ts';
import { mkdtempSync } from 'node:fs';
const backend = await selectBackend('wasm');
const job = distillJob('wid');
const [batch, seq] = process.argv.slice(2).map(Number);
const config = job.parseConfig({ teacherPath: '/work/shared/data/teacher-bert-small-wiki', corpusPath: '/work/main/test/fixtures/corpus/pride-and-prejudice.txt', steps: 3, batchSize: batch, seqLen: seq, checkpointEvery: 0, backend: 'wasm', seed: 1, preset: 'wid55' });
const t0 = performance.now();
setInterval(() => console.log('t', ((performance.now() - t0) / 1000).toFixed(0), 'MB', (tf.memory().numBytes / 2 ** 20).toFixed(0), 'tensors', tf.memory().numTensors, 'wasmMB', ((tf.backend() as any).wasm?.HEAPU8?.length / 2 ** 20).toFixed(0)), 10000).unref();
try {
  await job.run(config, { runId: 0, workDir: mkdtempSync('/tmp/oob-'), seed: 1, backend, signal: new AbortController().signal, resume: false,
    progress: (p) => console.log('progress', p.phase, p.step, ((performance.now() - t0) / 1000).toFixed(1), 'mem', (tf.memory().numBytes / 2 ** 20).toFixed(0)), metric: () => {}, log: (l, m) => console.log(l, m), evaluation: () => {}, registerModel: () => {}, artifact: () => {} });
} catch (e) { console.log('ERR', (e as Error).stack?.split('\n').slice(0, 12).join('\n')); }
