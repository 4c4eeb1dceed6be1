// `npm run bench -- glue --model DIR [--model DIR ...] [--teacher DIR] --tasks RTE,SST-2 --glue DIR [options]`:
// fine-tunes each model on each task in this process (no run store), times it, and prints the GLUE
// comparison table (Markdown), per-task fine-tuning time, and one JSON line. The same figures the
// finetune/evaluate jobs store, for quick measurements from the command line.
import { basename } from 'node:path';
import { Command } from 'commander';
import { selectBackend, type BackendPreference } from '../src-main/engine/backend/index.js';
import { loadHfModel } from '../src-main/engine/checkpoint/index.js';
import { disposeWeights } from '../src-main/engine/bert/index.js';
import { GLUE_TASKS, type GlueTaskName } from '../src-main/engine/glue/tasks.js';
import { loadGlueSplit } from '../src-main/engine/glue/tsv-loader.js';
import { fineTuneSweep } from '../src-main/engine/glue/sweep.js';
import { buildComparison, type ComparisonEvaluation, type ComparisonModel } from '../src-main/engine/glue/comparison.js';
import { toMarkdown } from '../src-main/engine/glue/comparison-export.js';
import { measureModelFolder } from './efficiency.js';

const list = (v: string, prev: string[] = []) => [...prev, v];
const nums = (flag: string) => (v: string) => v.split(',').map((x) => {
  const n = Number(x);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${flag} must be positive numbers separated by commas, got "${v}"`);
  return n;
});
const one = (flag: string) => (v: string) => nums(flag)(v)[0];

export async function main(argv: string[]): Promise<void> {
  const cmd = new Command('bench glue')
    .requiredOption('--model <dir>', 'model folder (repeatable)', list)
    .option('--teacher <dir>', 'teacher folder (a row of its own; % of teacher is relative to it)')
    .requiredOption('--glue <dir>', 'GLUE folder (<dir>/<TASK>/train.tsv, dev.tsv)')
    .option('--tasks <list>', 'comma-separated GLUE tasks', 'RTE,SST-2')
    .option('--lr <list>', 'learning rate(s); several = a sweep', nums('lr'), [2e-5])
    .option('--epochs <list>', 'epoch count(s); several = a sweep', nums('epochs'), [3])
    .option('--batch <n>', 'batch size', one('batch'), 32)
    .option('--max-length <n>', 'max tokens per example', one('max-length'), 128)
    .option('--warmup-ratio <x>', 'warm-up fraction', Number, 0.1)
    .option('--dropout <x>', 'dropout during training', Number, 0.1)
    .option('--max-train-rows <n>', 'use only the first N training rows', one('max-train-rows'))
    .option('--seed <n>', 'seed', Number, 1)
    .option('--iters <n>', 'timed passes for latency/throughput (0 = skip)', Number, 5)
    .option('--backend <name>', 'auto|tensorflow|webgpu|wasm|cpu', 'auto')
    .exitOverride();
  cmd.parse(argv, { from: 'user' });
  const o = cmd.opts<{ model: string[]; teacher?: string; glue: string; tasks: string; lr: number[]; epochs: number[]; batch: number; maxLength: number;
    warmupRatio: number; dropout: number; maxTrainRows?: number; seed: number; iters: number; backend: BackendPreference }>();
  const tasks = o.tasks.split(',').map((t) => t.trim()) as GlueTaskName[];
  for (const t of tasks) if (!GLUE_TASKS[t]) throw new Error(`--tasks: "${t}" is not a GLUE task (${Object.keys(GLUE_TASKS).join(', ')})`);
  const backend = await selectBackend(o.backend);
  const dirs = o.teacher ? [o.teacher, ...o.model] : o.model;
  const models: ComparisonModel[] = [];
  const evaluations: ComparisonEvaluation[] = [];
  const timings: { model: string; task: string; seconds: number; bestLr: number; bestEpochs: number; bestEpoch: number }[] = [];
  for (const dir of dirs) {
    const name = basename(dir.replace(/\/+$/, ''));
    const model = await loadHfModel(dir);
    try {
      for (const task of tasks) {
        const train = loadGlueSplit(o.glue, task, 'train')[0].examples;
        const t0 = Date.now();
        const r = await fineTuneSweep({
          model, tokenizer: model.tokenizer!, task, trainRows: o.maxTrainRows ? train.slice(0, o.maxTrainRows) : train, devSplits: loadGlueSplit(o.glue, task, 'dev'),
          hp: { lr: o.lr[0], epochs: o.epochs[0], batchSize: o.batch, maxLength: o.maxLength, warmupRatio: o.warmupRatio, weightDecay: 0.01, dropout: o.dropout, seed: o.seed },
        }, { lr: o.lr, epochs: o.epochs });
        const best = r.best.result.best;
        for (const [split, metrics] of Object.entries(best.metrics)) {
          for (const [metric, value] of Object.entries(metrics)) evaluations.push({ model: name, task: split, metric, value });
        }
        timings.push({ model: name, task, seconds: (Date.now() - t0) / 1000, bestLr: r.best.hp.lr, bestEpochs: r.best.hp.epochs, bestEpoch: best.epoch });
        console.error(`${name} ${task}: best dev score ${best.score.toFixed(4)} (lr ${r.best.hp.lr}, epoch ${best.epoch}/${r.best.hp.epochs}), ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      }
    } finally {
      disposeWeights(model.weights);
    }
    const eff = o.iters > 0 ? await measureModelFolder(dir, { batchSizes: [1, 32], seqLen: 128, iters: o.iters, warmup: 1 }) : null;
    models.push({ name, isTeacher: dir === o.teacher, parameterCount: eff?.parameterCount, fileSize: eff?.fileSize, latencyMsBatch1: eff?.latencyMsBatch1, throughputBatch32: eff?.throughputBatch32 });
  }
  const table = buildComparison({ models, evaluations });
  console.log(`backend ${backend.name} (${backend.device}); lr ${o.lr.join('/')}, epochs ${o.epochs.join('/')}, batch ${o.batch}, max length ${o.maxLength}`);
  console.log(toMarkdown(table));
  console.log(JSON.stringify({ bench: 'glue', backend: backend.name, device: backend.device, table, timings }));
}
