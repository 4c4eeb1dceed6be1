// `npm run bench -- glue --model DIR [--model DIR ...] [--teacher DIR] --tasks RTE,SST-2 --glue DIR [options]`:
// fine-tunes each model on each task in this process (no run store), times it, and prints the GLUE
// comparison table (Markdown), per task: steps, wall time, steps/s, distinct batch shapes and score, and one
// JSON line. The same figures the finetune/evaluate jobs store, for quick measurements from the command line.
// `--peer tf32,bf16` then runs bench/pytorch/glue_finetune.py (transformers, same recipe) on the first model in
// this process tree and prints both side by side with the ratio of times against transformers' fastest mode.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { selectBackend, type BackendPreference } from '../src-main/engine/backend/index.js';
import { loadHfModel } from '../src-main/engine/checkpoint/index.js';
import { disposeWeights } from '../src-main/engine/bert/index.js';
import { GLUE_TASKS, type GlueTaskName } from '../src-main/engine/glue/tasks.js';
import { loadGlueSplit } from '../src-main/engine/glue/tsv-loader.js';
import { fineTuneSweep, sweepSeconds } from '../src-main/engine/glue/sweep.js';
import { buildComparison, type ComparisonEvaluation, type ComparisonModel } from '../src-main/engine/glue/comparison.js';
import { toMarkdown } from '../src-main/engine/glue/comparison-export.js';
import { measureModelFolder } from './efficiency.js';
import { applyTrainingPrecision, type PrecisionSetting } from '../src-main/engine/train/training-precision.js';
import { setMatmulPrecision } from '../src-main/engine/kernels/matmul-precision.js';
import { tcPipelineStats } from '../src-main/engine/kernels/webgpu-matmul-subgroup.js';
import { pipelineStats } from '../src-main/engine/kernels/pipeline-stats.js';

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
    .option('--precision <p>', 'fine-tunes\' matmul precision: fp32|f16-tc|auto (as a fine-tune job: f16-tc with dynamic loss scaling)', 'fp32')
    .option('--peer <modes>', 'also run transformers (bench/pytorch/glue_finetune.py) in these modes: fp32,tf32,bf16')
    .option('--python <cmd>', 'python for --peer', 'python3')
    .option('--out <file>', 'write the JSON result here too')
    .exitOverride();
  cmd.parse(argv, { from: 'user' });
  const o = cmd.opts<{ model: string[]; teacher?: string; glue: string; tasks: string; lr: number[]; epochs: number[]; batch: number; maxLength: number;
    warmupRatio: number; dropout: number; maxTrainRows?: number; seed: number; iters: number; backend: BackendPreference;
    peer?: string; python: string; out?: string; precision: PrecisionSetting }>();
  const tasks = o.tasks.split(',').map((t) => t.trim()) as GlueTaskName[];
  for (const t of tasks) if (!GLUE_TASKS[t]) throw new Error(`--tasks: "${t}" is not a GLUE task (${Object.keys(GLUE_TASKS).join(', ')})`);
  const backend = await selectBackend(o.backend);
  const trained = applyTrainingPrecision({ precision: o.precision }, backend.name);
  console.error(`precision ${trained.precision}, loss scaling ${trained.lossScaling}`);
  const dirs = o.teacher ? [o.teacher, ...o.model] : o.model;
  const models: ComparisonModel[] = [];
  const evaluations: ComparisonEvaluation[] = [];
  const timings: { model: string; task: string; seconds: number; steps: number; shapes: number; score: number; bestLr: number; bestEpochs: number; bestEpoch: number;
    /** tensor-core pipelines compiled during the task (synchronously, inside its steps) and their milliseconds */
    tcPipelines: { compiled: number; ms: number };
    /** every compute pipeline created during the task (tfjs' and ours; synchronous ones stall the step) */
    pipelines: { sync: number; syncMs: number; async: number; asyncMs: number };
    /** how the steps ran: replayed / eager steps of training and evaluation over the task's sweep points */
    steps_path: { trainReplayed: number; trainEager: number; evalReplayed: number; evalEager: number; reasons: string[] };
    /** wall seconds in training and in evaluation over the task's sweep points (the rest of `seconds`: loading, tokenising, set-up) */
    phases: { train: number; evaluate: number };
    points: { lr: number; epochs: number; score: number; bestEpoch: number; perEpoch: number[] }[] }[] = [];
  for (const dir of dirs) {
    const name = basename(dir.replace(/\/+$/, ''));
    const model = await loadHfModel(dir);
    try {
      for (const task of tasks) {
        const train = loadGlueSplit(o.glue, task, 'train')[0].examples;
        const t0 = Date.now();
        const tc0 = tcPipelineStats();
        const p0 = pipelineStats();
        const r = await fineTuneSweep({
          model, tokenizer: model.tokenizer!, task, trainRows: o.maxTrainRows ? train.slice(0, o.maxTrainRows) : train, devSplits: loadGlueSplit(o.glue, task, 'dev'),
          hp: { lr: o.lr[0], epochs: o.epochs[0], batchSize: o.batch, maxLength: o.maxLength, warmupRatio: o.warmupRatio, weightDecay: 0.01, dropout: o.dropout, seed: o.seed },
          lossScaling: trained.lossScaling,
        }, { lr: o.lr, epochs: o.epochs });
        const best = r.best.result.best;
        for (const [split, metrics] of Object.entries(best.metrics)) {
          for (const [metric, value] of Object.entries(metrics)) evaluations.push({ model: name, task: split, metric, value });
        }
        const seconds = (Date.now() - t0) / 1000;
        const steps = r.points.reduce((n, p) => n + p.result.steps, 0);
        const shapes = new Set(r.points.flatMap((p) => p.result.shapes)).size;
        const tc1 = tcPipelineStats();
        const tcPipelines = { compiled: tc1.pipelines - tc0.pipelines, ms: Math.round(tc1.ms - tc0.ms) };
        const p1 = pipelineStats();
        const pipelines = { sync: p1.sync - p0.sync, syncMs: Math.round(p1.syncMs - p0.syncMs), async: p1.async - p0.async, asyncMs: Math.round(p1.asyncMs - p0.asyncMs) };
        const caps = r.points.map((p) => p.result.capture);
        const sum = (f: (c: (typeof caps)[number]) => number) => caps.reduce((n, c) => n + f(c), 0);
        const steps_path = {
          trainReplayed: sum((c) => c.train.replayedSteps), trainEager: sum((c) => c.train.eagerSteps),
          evalReplayed: sum((c) => c.evaluate.replayedSteps), evalEager: sum((c) => c.evaluate.eagerSteps),
          reasons: [...new Set(caps.flatMap((c) => [c.train.reason, c.evaluate.reason]).filter((x): x is string => !!x))],
        };
        const round2 = (x: number) => Math.round(x * 100) / 100;
        const spent = sweepSeconds(r);
        const phases = { train: round2(spent.train), evaluate: round2(spent.evaluate) };
        timings.push({ model: name, task, seconds, steps, shapes, tcPipelines, pipelines, steps_path, phases, score: best.score, bestLr: r.best.hp.lr, bestEpochs: r.best.hp.epochs, bestEpoch: best.epoch,
          points: r.points.map((p) => ({ lr: p.hp.lr, epochs: p.hp.epochs, score: p.result.best.score, bestEpoch: p.result.best.epoch, perEpoch: p.result.epochs.map((e) => e.score) })) });
        console.error(`${name} ${task}: ${steps} steps in ${seconds.toFixed(1)} s (${(steps / seconds).toFixed(1)} steps/s, ${shapes} shapes; ` +
          `training ${phases.train.toFixed(1)} s, evaluation ${phases.evaluate.toFixed(1)} s; ` +
          `train ${steps_path.trainReplayed} replayed / ${steps_path.trainEager} eager, eval ${steps_path.evalReplayed} / ${steps_path.evalEager}` +
          `${steps_path.reasons.length ? ` (${steps_path.reasons.join('; ')})` : ''}; ${tcPipelines.compiled} tensor-core pipelines compiled in ${tcPipelines.ms} ms; ` +
          `pipelines created: ${pipelines.sync} at once in ${pipelines.syncMs} ms, ${pipelines.async} async in ${pipelines.asyncMs} ms), best dev score ${best.score.toFixed(4)} (lr ${r.best.hp.lr}, epoch ${best.epoch}/${r.best.hp.epochs})`);
      }
    } finally {
      disposeWeights(model.weights);
    }
    setMatmulPrecision('fp32'); // latency and throughput below: inference, timed in fp32 whatever the fine-tunes ran in
    const eff = o.iters > 0 ? await measureModelFolder(dir, { batchSizes: [1, 32], seqLen: 128, iters: o.iters, warmup: 1 }) : null;
    setMatmulPrecision(trained.precision);
    models.push({ name, isTeacher: dir === o.teacher, parameterCount: eff?.parameterCount, fileSize: eff?.fileSize, latencyMsBatch1: eff?.latencyMsBatch1, throughputBatch32: eff?.throughputBatch32 });
  }
  const table = buildComparison({ models, evaluations });
  console.log(`backend ${backend.name} (${backend.device}); lr ${o.lr.join('/')}, epochs ${o.epochs.join('/')}, batch ${o.batch}, max length ${o.maxLength}`);
  console.log(toMarkdown(table));
  const peer = o.peer ? runPeer(o, dirs[0], tasks) : [];
  if (peer.length) console.log(sideBySide(timings.filter((t) => t.model === basename(dirs[0].replace(/\/+$/, ''))), peer));
  const json = { bench: 'glue', backend: backend.name, device: backend.device, precision: trained.precision, lossScaling: trained.lossScaling, recipe: { lr: o.lr, epochs: o.epochs, batch: o.batch, maxLength: o.maxLength, warmupRatio: o.warmupRatio, dropout: o.dropout, maxTrainRows: o.maxTrainRows ?? null, seed: o.seed }, table, timings, peer };
  if (o.out) writeFileSync(o.out, JSON.stringify(json, null, 1));
  console.log(JSON.stringify(json));
}

interface PeerRun { mode: string; device: string; tasks: Record<string, { steps: number; seconds: number; score: number; bestLr: number; bestEpoch: number }> }

/** transformers on the same model, tasks and recipe, one process per mode, in this process tree. */
function runPeer(o: { peer?: string; python: string; glue: string; lr: number[]; epochs: number[]; batch: number; maxLength: number; warmupRatio: number; maxTrainRows?: number; seed: number }, model: string, tasks: string[]): PeerRun[] {
  // next to this file from a checkout; from the GPU bundle (.gpu/app.mjs) the project's copy in the working directory
  const beside = fileURLToPath(new URL('./pytorch/glue_finetune.py', import.meta.url));
  const script = existsSync(beside) ? beside : resolve('bench/pytorch/glue_finetune.py');
  return o.peer!.split(',').map((mode) => {
    const args = [script, '--model', model, '--glue', o.glue, '--tasks', tasks.join(','), '--lr', o.lr.join(','), '--epochs', String(o.epochs[0]),
      '--batch', String(o.batch), '--max-length', String(o.maxLength), '--warmup-ratio', String(o.warmupRatio), '--seed', String(o.seed), '--mode', mode,
      ...(o.maxTrainRows ? ['--max-train-rows', String(o.maxTrainRows)] : [])];
    const r = spawnSync(o.python, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`${o.python} ${script} (${mode}) exited ${r.status}: ${r.error?.message ?? ''}`);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as PeerRun;
  });
}

/** Per task: the workbench and every transformers mode, and time ratios against the fastest mode. */
function sideBySide(ours: { task: string; steps: number; seconds: number; shapes: number; score: number }[], peer: PeerRun[]): string {
  const lines = ['| task | workbench steps | s | steps/s | shapes | score | ' + peer.map((p) => `transformers ${p.mode} s | score`).join(' | ') + ' | time ratio vs fastest | score diff (points) |',
    '|---|--:|--:|--:|--:|--:|' + peer.map(() => '--:|--:|').join('') + '--:|--:|'];
  for (const t of ours) {
    const runs = peer.map((p) => p.tasks[t.task]);
    const fastest = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    lines.push(`| ${t.task} | ${t.steps} | ${t.seconds.toFixed(1)} | ${(t.steps / t.seconds).toFixed(1)} | ${t.shapes} | ${(100 * t.score).toFixed(1)} | ` +
      runs.map((r) => `${r.seconds.toFixed(1)} | ${(100 * r.score).toFixed(1)}`).join(' | ') +
      ` | ${(t.seconds / fastest.seconds).toFixed(2)}x | ${(100 * (t.score - fastest.score)).toFixed(1)} |`);
  }
  return lines.join('\n');
}
