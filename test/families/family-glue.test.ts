// GLUE fine-tuning, evaluation, export and the compare table for ALBERT and MobileBERT checkpoints, through the same
// jobs as BERT (engine/jobs/finetune.ts, evaluate.ts) and the model-family interface (engine/model-family/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { loadAnyHfModel } from '../../src-main/engine/checkpoint/index.js';
import { disposeWeights } from '../../src-main/engine/bert/index.js';
import { jobFor } from '../../src-main/engine/jobs/registry.js';
import type { JobContext } from '../../src-main/engine/jobs/types.js';
import { albertConfigFromHf, albertForwardFlops, albertParameterCount } from '../../src-main/engine/albert/index.js';
import { familyOps } from '../../src-main/engine/model-family/index.js';
import { buildComparison } from '../../src-main/engine/glue/comparison.js';
import { toCsv } from '../../src-main/engine/glue/comparison-export.js';
import { inspectModelFolder } from '../../src-main/app/store/model-folder.js';
import { readFileSync } from 'node:fs';

const ALBERT = 'test/fixtures/albert-shared';
const MOBILEBERT = 'test/fixtures/mobilebert-nonorm';

function recordingContext(workDir: string) {
  const rec = { evaluations: [] as { task: string; metric: string; value: number }[], artifacts: [] as [string, string][] };
  const ctx: JobContext = {
    runId: 1, workDir, seed: 0, backend: { name: 'wasm', device: 'test' }, signal: new AbortController().signal, resume: false,
    progress: () => {}, metric: () => {}, log: () => {}, artifact: (kind, path) => rec.artifacts.push([kind, path]),
    evaluation: (e) => rec.evaluations.push(e), registerModel: () => {},
  };
  return { ctx, rec };
}

for (const [family, dir, architecture] of [['albert', ALBERT, 'AlbertForSequenceClassification'], ['mobilebert', MOBILEBERT, 'MobileBertForSequenceClassification']] as const) {
  test(`the finetune job fine-tunes and scores a ${family} checkpoint and saves a ${architecture} folder`, async () => {
    await selectBackend('wasm');
    const workDir = mkdtempSync(join(tmpdir(), `wid-ft-${family}-`));
    const before = tf.memory().numTensors;
    try {
      const job = jobFor('finetune');
      const config = job.parseConfig({
        modelPath: dir, gluePath: 'test/fixtures/glue', tasks: ['RTE'], lr: 1e-3, epochs: 1, batchSize: 16, maxLength: 32,
        maxTrainRows: 32, maxDevRows: 16, saveModel: true, efficiencyIters: 1, backend: 'wasm', dropout: 0.1,
      });
      const { ctx, rec } = recordingContext(workDir);
      const result = await job.run(config, ctx) as { family: string; tasks: Record<string, { best: { score: number } }>; parameterCount: number };
      assert.equal(result.family, family);
      assert.ok(result.tasks.RTE.best.score >= 0 && result.tasks.RTE.best.score <= 1);
      assert.deepEqual(rec.evaluations.map((e) => `${e.task}/${e.metric}`), ['RTE/accuracy', 'RTE/score',
        'efficiency/parameterCount', 'efficiency/flopsPerToken', 'efficiency/fileSize', 'efficiency/latencyMsBatch1', 'efficiency/throughputBatch32']);
      const saved = await loadAnyHfModel(join(workDir, 'finetuned', 'RTE'));
      assert.equal(saved.family, family);
      assert.equal(saved.architecture, architecture);
      assert.equal(saved.config.numLabels, 2);
      assert.ok(saved.weights['classifier.weight'], 'the export carries the trained classifier');
      disposeWeights(saved.weights);
      assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  });
}

test('the evaluate job reports an ALBERT checkpoint\'s FLOPs per token with every application of its shared layer counted', async () => {
  await selectBackend('wasm');
  const workDir = mkdtempSync(join(tmpdir(), 'wid-eval-albert-'));
  try {
    const job = jobFor('evaluate');
    const { ctx, rec } = recordingContext(workDir);
    await job.run(job.parseConfig({ modelPath: ALBERT, batchSizes: [1], seqLen: 16, iters: 1, warmup: 0, backend: 'wasm' }), ctx);
    const cfg = albertConfigFromHf(JSON.parse(readFileSync(join(ALBERT, 'config.json'), 'utf8')));
    const flops = rec.evaluations.find((e) => e.metric === 'flopsPerToken')!.value;
    assert.equal(flops, albertForwardFlops(cfg, 16) / 16);
    assert.equal(rec.evaluations.find((e) => e.metric === 'parameterCount')!.value, albertParameterCount(cfg, { mlmHead: true }));
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
});

test('sharing ALBERT\'s layers divides its parameters but not its FLOPs, and the compare table shows both', () => {
  const shared = albertConfigFromHf(JSON.parse(readFileSync(join(ALBERT, 'config.json'), 'utf8')));
  const unshared = { ...shared, numHiddenGroups: shared.numHiddenLayers };
  const ops = familyOps('albert');
  const perLayer = ops.parameterCount(unshared, {}) - ops.parameterCount(shared, {});
  assert.equal(perLayer, (shared.numHiddenLayers - 1) * (4 * (64 * 64 + 64) + 2 * 64 * 128 + 128 + 64 + 4 * 64), 'the shared layer is counted once');
  assert.equal(ops.forwardFlops(unshared, 128), ops.forwardFlops(shared, 128), 'every application costs the same compute');
  const table = buildComparison({
    models: [{ name: 'albert-shared', parameterCount: ops.parameterCount(shared, {}), flopsPerToken: ops.forwardFlops(shared, 128) / 128 },
      { name: 'albert-unshared', parameterCount: ops.parameterCount(unshared, {}), flopsPerToken: ops.forwardFlops(unshared, 128) / 128 }],
    evaluations: [],
  });
  const [header, a, b] = toCsv(table).trim().split('\n').map((l) => l.split(','));
  const col = header.indexOf('MFLOPs/token');
  assert.ok(col > 0, 'the table has a compute column');
  assert.equal(a[col], b[col]);
  assert.ok(Number(a[header.indexOf('parameters')]) < Number(b[header.indexOf('parameters')]));
});

test('registering an ALBERT or MobileBERT folder records its family\'s parameters (a shared layer once)', async () => {
  for (const dir of [ALBERT, MOBILEBERT, 'test/fixtures/albert-cls', 'test/fixtures/mobilebert-cls']) {
    const info = await inspectModelFolder(dir);
    assert.ok(info.parameterCount > 0, dir);
  }
  const cfg = albertConfigFromHf(JSON.parse(readFileSync(join(ALBERT, 'config.json'), 'utf8')));
  assert.equal((await inspectModelFolder(ALBERT)).parameterCount, albertParameterCount(cfg, { mlmHead: true }));
});
