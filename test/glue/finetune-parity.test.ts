// The engine's GLUE fine-tune against transformers step by step (test/fixtures/glue-parity, made by
// scripts/fixtures/make_finetune_fixture.py): the same start checkpoint (transformers' own pooler and classifier),
// recipe (AdamW eps 1e-6, decay 0.01 but biases and LayerNorm, warm-up/decay, clip 1.0), dropout 0 and one full
// batch per epoch, so the runs share every input. A wrong loss reduction, decay exclusion, clip, lr schedule,
// pooler or padding shows as a different loss within a step or two.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { loadHfModel, parseSafetensors } from '../../src-main/engine/checkpoint/index.js';
import { disposeWeights } from '../../src-main/engine/bert/index.js';
import { fineTune, type FineTuneProgress } from '../../src-main/engine/glue/finetune.js';
import { loadGlueSplit } from '../../src-main/engine/glue/tsv-loader.js';
import type { GlueTaskName } from '../../src-main/engine/glue/tasks.js';

const FIXTURE = 'test/fixtures/glue-parity';
const GLUE = 'test/fixtures/glue';

interface Trajectory {
  task: GlueTaskName; trainRows: number; devRows: number; epochs: number; lr: number; warmupRatio: number;
  weightDecay: number; clipNorm: number; batchSize: number; seed: number;
  steps: { step: number; loss: number; gradNorm: number; lr: number }[];
  perEpoch: { epoch: number; score: number; devLogits: number[][] }[];
  bestEpoch: number;
}

for (const name of ['rte', 'sst2']) {
  test(`fine-tune matches transformers step by step: ${name}`, async () => {
    await selectBackend('wasm');
    const dir = join(FIXTURE, name);
    const ref = JSON.parse(readFileSync(join(dir, 'trajectory.json'), 'utf8')) as Trajectory;
    const model = await loadHfModel(join(dir, 'start'));
    const progress: FineTuneProgress[] = [];
    try {
      const started = performance.now();
      const result = await fineTune({
        model, tokenizer: model.tokenizer!, task: ref.task,
        trainRows: loadGlueSplit(GLUE, ref.task, 'train')[0].examples.slice(0, ref.trainRows),
        devSplits: loadGlueSplit(GLUE, ref.task, 'dev').map((d) => ({ ...d, examples: d.examples.slice(0, ref.devRows) })),
        hp: {
          lr: ref.lr, epochs: ref.epochs, batchSize: ref.batchSize, maxLength: 128, warmupRatio: ref.warmupRatio,
          weightDecay: ref.weightDecay, clipNorm: ref.clipNorm, seed: ref.seed, dropout: 0, pooler: 'checkpoint', classifier: 'checkpoint',
        },
        readEvery: 1, keepBestWeights: true, onProgress: (p) => progress.push(p),
      });
      const wall = (performance.now() - started) / 1000;
      // the time split the GLUE bench prints: training and evaluation both measured, together within the call
      assert.ok(result.seconds.train > 0 && result.seconds.evaluate > 0 && result.seconds.train + result.seconds.evaluate <= wall,
        `training ${result.seconds.train} s + evaluation ${result.seconds.evaluate} s in a ${wall} s call`);
      assert.deepEqual(progress.map((p) => p.step), ref.steps.map((s) => s.step));
      for (const [i, s] of ref.steps.entries()) {
        const p = progress[i];
        assert.ok(Math.abs(p.lr - s.lr) <= 1e-12 * s.lr, `step ${s.step}: lr ${p.lr} vs transformers ${s.lr}`);
        assert.ok(Math.abs(p.loss - s.loss) <= 2e-5 * Math.max(1, s.loss), `step ${s.step}: loss ${p.loss} vs transformers ${s.loss}`);
        assert.ok(Math.abs(p.gradNorm! - s.gradNorm) <= 1e-4 * s.gradNorm, `step ${s.step}: gradient norm ${p.gradNorm} vs transformers ${s.gradNorm}`);
      }
      assert.deepEqual(result.epochs.map((e) => e.score), ref.perEpoch.map((e) => e.score));
      assert.equal(result.best.epoch, ref.bestEpoch);
      // the parameters at the best epoch: each tensor's change from the start within 1e-3 of transformers' change
      // (measured: within 1.3e-5), plus 1e-7 for the key biases, whose gradient is zero (softmax ignores a shift
      // common to all keys) so that both sides move them by float noise alone (~1e-10)
      const refWeights = parseSafetensors(readFileSync(join(dir, 'best.safetensors'))).tensors;
      try {
        assert.deepEqual(Object.keys(result.bestWeights!).sort(), [...refWeights.keys()].sort());
        for (const [n, t] of Object.entries(result.bestWeights!)) {
          const r = refWeights.get(n)!;
          assert.deepEqual(t.shape, r.shape, n);
          const ours = t.dataSync(), start = model.weights[n].dataSync();
          let off = 0, moved = 0;
          for (let i = 0; i < r.data.length; i++) { off += (ours[i] - r.data[i]) ** 2; moved += (r.data[i] - start[i]) ** 2; }
          assert.ok(Math.sqrt(off) <= 1e-3 * Math.sqrt(moved) + 1e-7, `${n}: off by ${Math.sqrt(off)} where transformers moved it by ${Math.sqrt(moved)}`);
        }
      } finally {
        disposeWeights(result.bestWeights!);
      }
    } finally {
      disposeWeights(model.weights);
    }
  });
}
