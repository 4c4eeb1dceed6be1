// The `finetune` job: a model (teacher or student) × one or more GLUE tasks. Each task is fine-tuned
// (optionally over a small lr × epochs grid), its best dev metrics are stored as evaluations linked
// to the model (by its path; the runner maps the path to the model id), and the model's efficiency
// figures are measured once on the run's backend.
import { join } from 'node:path';
import { describeStepPath, stepPathOf } from '../capture/step-path.js';
import { loadAnyHfModel } from '../checkpoint/index.js';
import { familyOps } from '../model-family/index.js';
import { countParameters, disposeWeights } from '../bert/index.js';
import { GLUE_TASKS, GLUE_TASK_NAMES, type GlueTaskName } from '../glue/tasks.js';
import { loadGlueSplit, type GlueSplit } from '../glue/tsv-loader.js';
import { FineTuneCancelled, classifierWeights, type FineTuneHyperParams, type FineTuneProgress } from '../glue/finetune.js';
import { fineTuneSweep, sweepPoints, type SweepGrid } from '../glue/sweep.js';
import { efficiencyEvaluations, measureEfficiency, type EfficiencyFigures } from '../glue/efficiency.js';
import { ConfigError, type JobContext, type JobDefinition } from './types.js';
import { backendField, booleanField, integerField, numberField, objectConfig, pathOrIdField } from '../glue/job-config.js';

export interface FineTuneJobConfig {
  /** Folder of the model (config.json + model.safetensors + vocab.txt); the service resolves modelId to it. */
  modelPath: string;
  modelId?: number;
  /** GLUE folder (<gluePath>/<TASK>/train.tsv ...); the service resolves datasetId to it. */
  gluePath: string;
  datasetId?: number;
  tasks: GlueTaskName[];
  hp: FineTuneHyperParams;
  sweep?: SweepGrid;
  /** Use only the first N training rows (short CPU runs); all rows when absent. */
  maxTrainRows?: number;
  /** Per-task caps on training rows (e.g. { 'SST-2': 20000 }); a task not named uses maxTrainRows. */
  maxTrainRowsByTask?: Record<string, number>;
  maxDevRows?: number;
  /** Save each task's best fine-tuned classifier under <workDir>/finetuned/<task>/ as an artifact. */
  saveModel: boolean;
  /** Measure latency/throughput (batch 1 and 32, sequence 128) after fine-tuning. */
  efficiency: boolean;
  efficiencyIters: number;
  backend: string;
  seed: number;
}

function taskList(r: Record<string, unknown>): GlueTaskName[] {
  const raw = r.tasks ?? (r.task === undefined ? undefined : [r.task]);
  const field = r.tasks !== undefined ? 'tasks' : 'task';
  if (raw === undefined) throw new ConfigError(`task: expected a GLUE task name (or tasks: a list) from ${GLUE_TASK_NAMES.join(', ')}, got nothing`);
  if (!Array.isArray(raw) || raw.length === 0) throw new ConfigError(`tasks: expected a non-empty list of GLUE task names, got ${JSON.stringify(raw)}`);
  for (const t of raw) {
    if (typeof t !== 'string' || !(t in GLUE_TASKS)) {
      throw new ConfigError(`${field}: ${JSON.stringify(t)} is not a GLUE task; expected one of ${GLUE_TASK_NAMES.join(', ')}`);
    }
  }
  if (new Set(raw).size !== raw.length) throw new ConfigError(`tasks: a task is listed twice in ${JSON.stringify(raw)}`);
  return raw as GlueTaskName[];
}

function sweepField(r: Record<string, unknown>): SweepGrid | undefined {
  const s = r.sweep;
  if (s === undefined || s === null) return undefined;
  if (typeof s !== 'object' || Array.isArray(s)) throw new ConfigError(`sweep: expected { lr: number[], epochs?: number[] }, got ${JSON.stringify(s)}`);
  const g = s as Record<string, unknown>;
  const list = (key: 'lr' | 'epochs', integer: boolean, required: boolean): number[] | undefined => {
    const v = g[key];
    if (v === undefined && !required) return undefined;
    if (!Array.isArray(v) || v.length === 0 || v.length > 8 ||
      v.some((x) => typeof x !== 'number' || !Number.isFinite(x) || x <= 0 || (integer && !Number.isInteger(x)) || (key === 'epochs' && x > 100) || (key === 'lr' && x >= 1))) {
      throw new ConfigError(`sweep.${key}: expected a list of 1 to 8 ${integer ? 'positive integers up to 100' : 'learning rates in (0, 1)'}, got ${JSON.stringify(v)}`);
    }
    return v as number[];
  };
  const grid: SweepGrid = { lr: list('lr', false, true)! };
  const epochs = list('epochs', true, false);
  if (epochs) grid.epochs = epochs;
  return grid;
}

/**
 * The learning-rate grid used when the config names neither `lr` nor `sweep`: small students need the
 * larger rates, BERT-size models the smaller ones (BERT's paper searched 5e-5..2e-5); the best dev score wins.
 */
export const DEFAULT_LR_GRID = [1e-4, 5e-5, 3e-5, 2e-5];

function poolerField(r: Record<string, unknown>): 'checkpoint' | 'fresh' {
  const v = r.pooler ?? 'checkpoint';
  if (v !== 'checkpoint' && v !== 'fresh') throw new ConfigError(`pooler: expected "checkpoint" (use the model's own pooler where it has one) or "fresh", got ${JSON.stringify(v)}`);
  return v;
}

export function parseFineTuneConfig(raw: unknown): FineTuneJobConfig {
  const r = objectConfig(raw);
  const modelPath = pathOrIdField(r, 'modelPath', 'modelId');
  const gluePath = pathOrIdField(r, 'gluePath', 'datasetId');
  const seed = integerField(r, 'seed', 0, 0, 2 ** 31 - 1);
  const lr = numberField(r, 'lr', 2e-5, { min: 0, exclusiveMin: true, max: 1 });
  const hp: FineTuneHyperParams = {
    lr,
    epochs: integerField(r, 'epochs', 3, 1, 100),
    batchSize: integerField(r, 'batchSize', 32, 1, 1024),
    maxLength: integerField(r, 'maxLength', 128, 8, 512),
    warmupRatio: numberField(r, 'warmupRatio', 0.1, { min: 0, max: 0.99 }),
    weightDecay: numberField(r, 'weightDecay', 0.01, { min: 0, max: 1 }),
    dropout: numberField(r, 'dropout', 0.1, { min: 0, max: 0.9 }),
    clipNorm: numberField(r, 'clipNorm', 1.0, { min: 0 }),
    pooler: poolerField(r),
    seed,
  };
  const cfg: FineTuneJobConfig = {
    modelPath: modelPath ?? '',
    gluePath: gluePath ?? '',
    tasks: taskList(r),
    hp,
    saveModel: booleanField(r, 'saveModel', false),
    efficiency: booleanField(r, 'efficiency', true),
    efficiencyIters: integerField(r, 'efficiencyIters', 10, 1, 1000),
    backend: backendField(r),
    seed,
  };
  if (typeof r.modelId === 'number') cfg.modelId = r.modelId;
  if (typeof r.datasetId === 'number') cfg.datasetId = r.datasetId;
  // No lr and no sweep: search the default grid (a single given lr means no search).
  const sweep = sweepField(r) ?? (r.lr === undefined ? { lr: DEFAULT_LR_GRID } : undefined);
  if (sweep) cfg.sweep = sweep;
  if (r.maxTrainRows !== undefined) cfg.maxTrainRows = integerField(r, 'maxTrainRows', 0, 1, Number.MAX_SAFE_INTEGER);
  if (r.maxTrainRowsByTask !== undefined) {
    const caps = r.maxTrainRowsByTask;
    if (typeof caps !== 'object' || caps === null || Array.isArray(caps)) throw new ConfigError(`maxTrainRowsByTask: expected { TASK: rows }, got ${JSON.stringify(caps)}`);
    for (const [t, n] of Object.entries(caps)) {
      if (!cfg.tasks.includes(t as GlueTaskName)) throw new ConfigError(`maxTrainRowsByTask: ${t} is not one of the run's tasks (${cfg.tasks.join(', ')})`);
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new ConfigError(`maxTrainRowsByTask.${t}: expected an integer >= 1, got ${JSON.stringify(n)}`);
    }
    cfg.maxTrainRowsByTask = caps as Record<string, number>;
  }
  if (r.maxDevRows !== undefined) cfg.maxDevRows = integerField(r, 'maxDevRows', 0, 1, Number.MAX_SAFE_INTEGER);
  return cfg;
}

/**
 * Progress value names: `dev/<metric>` and `dev/score` for a run with one task and one dev split, else
 * `dev/<split>/<metric>` and `dev/<task>/score` (MNLI: the mean of matched and mismatched).
 */
function devValues(task: string, dev: NonNullable<FineTuneProgress['dev']>, qualify: boolean): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [split, metrics] of Object.entries(dev.metrics)) {
    const p = qualify ? `dev/${split}/` : 'dev/';
    for (const [m, v] of Object.entries(metrics)) out[p + m] = v;
  }
  out[qualify ? `dev/${task}/score` : 'dev/score'] = dev.score;
  return out;
}

const truncate = <T>(xs: T[], n?: number) => (n === undefined ? xs : xs.slice(0, n));

async function runFineTune(config: FineTuneJobConfig, ctx: JobContext): Promise<Record<string, unknown>> {
  if (!config.modelPath) throw new ConfigError('modelPath: the job needs the model folder (the service resolves modelId to modelPath)');
  if (!config.gluePath) throw new ConfigError('gluePath: the job needs the GLUE folder (the service resolves datasetId to gluePath)');
  // Read every task's data first: a malformed row fails the run before any training time is spent.
  const data = config.tasks.map((task) => {
    const train = loadGlueSplit(config.gluePath, task, 'train')[0];
    const dev = loadGlueSplit(config.gluePath, task, 'dev').map((d): GlueSplit => ({ ...d, examples: truncate(d.examples, config.maxDevRows) }));
    return { task, trainRows: truncate(train.examples, config.maxTrainRowsByTask?.[task] ?? config.maxTrainRows), dev };
  });
  // any family config.json names (BERT, ALBERT, MobileBERT); the family's operations do the rest
  const model = await loadAnyHfModel(config.modelPath);
  const ops = familyOps(model.family);
  try {
    if (!model.tokenizer) throw new Error(`${config.modelPath} has no vocab.txt: fine-tuning needs the model's tokenizer`);
    const tokenizer = model.tokenizer;
    const grids = data.map((d) => (config.sweep ? sweepPoints(config.hp, config.sweep) : [config.hp]));
    const totalSteps = data.reduce((n, d, i) => n + grids[i].reduce((m, hp) => m + Math.ceil(d.trainRows.length / hp.batchSize) * hp.epochs, 0), 0);
    const qualify = data.length > 1 || data[0].dev.length > 1;
    const started = Date.now();
    let doneSteps = 0;
    const scores: Record<string, unknown> = {};
    ctx.log('info', `fine-tuning ${config.modelPath} on ${config.tasks.join(', ')}: ${totalSteps} steps${config.sweep ? ` (sweep of ${grids[0].length} points per task)` : ''}`);

    for (const d of data) {
      const result = await fineTuneSweep({
        model: { family: model.family, config: model.config, weights: model.weights }, tokenizer, task: d.task, trainRows: d.trainRows, devSplits: d.dev,
        hp: config.hp, signal: ctx.signal, keepBestWeights: config.saveModel,
        onProgress: (point, p) => {
          doneSteps++;
          const elapsed = (Date.now() - started) / 1000;
          ctx.progress({
            step: doneSteps, totalSteps, phase: config.sweep ? `${d.task} (sweep ${point + 1}/${grids[0].length})` : d.task,
            values: { loss: p.loss, lr: p.lr, ...(p.dev ? devValues(d.task, p.dev, qualify) : {}) },
            etaSeconds: (elapsed / doneSteps) * (totalSteps - doneSteps),
          });
        },
        onPoint: (pt) => {
          if (!config.sweep) return;
          ctx.metric(doneSteps, `sweep/${d.task}/score`, pt.result.best.score);
          ctx.log('info', `${d.task} sweep point ${pt.index + 1}: lr ${pt.hp.lr}, ${pt.hp.epochs} epochs → best dev score ${pt.result.best.score.toFixed(4)} (epoch ${pt.result.best.epoch})`);
        },
      }, config.sweep ?? { lr: [config.hp.lr] });
      const best = result.best.result.best;
      for (const [split, metrics] of Object.entries(best.metrics)) {
        for (const [metric, value] of Object.entries(metrics)) ctx.evaluation({ task: split, metric, value, modelPath: config.modelPath });
        const splitScore = Object.values(metrics).reduce((a, b) => a + b, 0) / Object.values(metrics).length;
        ctx.evaluation({ task: split, metric: 'score', value: splitScore, modelPath: config.modelPath });
      }
      const trainingStep = stepPathOf(result.best.result.capture.train), evaluationStep = stepPathOf(result.best.result.capture.evaluate);
      scores[d.task] = {
        best: { lr: result.best.hp.lr, epochs: result.best.hp.epochs, epoch: best.epoch, score: best.score, metrics: best.metrics },
        points: result.points.map((p) => ({ lr: p.hp.lr, epochs: p.hp.epochs, bestEpoch: p.result.best.epoch, score: p.result.best.score, perEpoch: p.result.epochs })),
        trainRows: d.trainRows.length, devRows: Object.fromEntries(d.dev.map((s) => [s.split, s.examples.length])),
        trainingStep, evaluationStep,
      };
      ctx.log('info', `${d.task}: training step ${describeStepPath(trainingStep)}; evaluation ${describeStepPath(evaluationStep)}`);
      const fineTuned = result.best.result.bestWeights;
      if (fineTuned) {
        try {
          const dir = join(ctx.workDir, 'finetuned', d.task);
          await ops.save(dir, { config: result.best.result.config, weights: fineTuned, role: 'classifier', vocabPath: model.vocabPath, doLowerCase: tokenizer.lowercase });
          ctx.artifact(`finetuned/${d.task}`, dir);
        } finally {
          disposeWeights(fineTuned);
        }
      }
    }

    let efficiency: EfficiencyFigures | null = null;
    if (config.efficiency) {
      ctx.progress({ step: doneSteps, totalSteps, phase: 'efficiency', values: {}, etaSeconds: null });
      // Timed as a sequence classifier runs (encoder + pooler + head); a fresh 2-way head is as costly as any.
      const { config: clsConfig, initial } = classifierWeights(model, 'SST-2', config.seed);
      try {
        efficiency = await measureEfficiency({ family: model.family, config: clsConfig, weights: initial }, { modelDir: config.modelPath, iters: config.efficiencyIters, seqLen: Math.min(128, model.config.maxPositionEmbeddings) });
        efficiency.parameterCount = countParameters(model.weights);
      } finally {
        for (const [name, t] of Object.entries(initial)) if (model.weights[name] !== t) t.dispose();
      }
      for (const e of efficiencyEvaluations(efficiency)) ctx.evaluation({ ...e, modelPath: config.modelPath });
    }
    // parameterCount at the top level: the run list and the Compare view read it from every run's result.
    return { model: config.modelPath, family: model.family, parameterCount: countParameters(model.weights), tasks: scores, efficiency, steps: doneSteps };
  } catch (err) {
    if (err instanceof FineTuneCancelled) ctx.log('warn', err.message);
    throw err;
  } finally {
    disposeWeights(model.weights);
  }
}

export const finetuneJob: JobDefinition<FineTuneJobConfig> = {
  method: 'finetune',
  parseConfig: parseFineTuneConfig,
  run: runFineTune,
};
