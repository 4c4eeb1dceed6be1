// The `finetune` job: a model (teacher or student) × one or more GLUE tasks. Each task is fine-tuned
// (optionally over a small lr × epochs grid), its best dev metrics are stored as evaluations linked
// to the model (by its path; the runner maps the path to the model id), and the model's efficiency
// figures are measured once on the run's backend.
import { join } from 'node:path';
import { describeStepPath, stepPathOf } from '../capture/step-path.js';
import { applyTrainingPrecision, checkPrecisionBackend, describePrecision } from '../train/training-precision.js';
import { loadAnyHfModel } from '../checkpoint/index.js';
import { familyOps } from '../model-family/index.js';
import { countParameters, disposeWeights } from '../bert/index.js';
import { loadGlueSplit, type GlueSplit } from '../glue/tsv-loader.js';
import { FineTuneCancelled, classifierWeights, type FineTuneProgress } from '../glue/finetune.js';
import { fineTuneSweep, sweepPoints, sweepSeconds } from '../glue/sweep.js';
import { efficiencyEvaluations, measureEfficiency, type EfficiencyFigures } from '../glue/efficiency.js';
import { ConfigError, type JobContext, type JobDefinition } from './types.js';
import { finetuneConfigSchema, type FineTuneJobConfig } from '../../shared/api/glue-config.js';
import { parseWith } from '../config/parse.js';
import { fineTuneStepBytes, modelWords } from './memory.js';

export { DEFAULT_LR_GRID, type FineTuneJobConfig } from '../../shared/api/glue-config.js';

/** The finetune job's config from its fields (shared/api/glue-config.ts); throws a ConfigError naming the field. */
export function parseFineTuneConfig(raw: unknown): FineTuneJobConfig {
  const config = parseWith(finetuneConfigSchema, raw);
  checkPrecisionBackend(config);
  return config;
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
  // f16-tc on a backend without tensor cores fails the run here, naming the field
  const trained = applyTrainingPrecision(config, ctx.backend.name);
  ctx.log('info', `precision: ${describePrecision(trained)} (setting ${config.precision}${config.lossScaling !== 'auto' ? `, loss scaling ${config.lossScaling}` : ''})`);
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
    if (!model.tokenizer) throw new Error(`${config.modelPath} has no vocab.txt (nor a WordPiece tokenizer.json): fine-tuning needs the model's tokenizer`);
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
        hp: config.hp, signal: ctx.signal, keepBestWeights: config.saveModel, lossScaling: trained.lossScaling,
        onProgress: (point, p) => {
          doneSteps++;
          const elapsed = (Date.now() - started) / 1000;
          ctx.progress({
            step: doneSteps, totalSteps, phase: config.sweep ? `${d.task} (sweep ${point + 1}/${grids[0].length})` : d.task,
            // a step skipped by loss scaling may have an inf/NaN loss: not a value to store
            values: { ...(Number.isFinite(p.loss) ? { loss: p.loss } : {}), lr: p.lr, ...(p.lossScale !== undefined ? { lossScale: p.lossScale } : {}),
              ...(p.dev ? devValues(d.task, p.dev, qualify) : {}) },
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
        trainingStep, evaluationStep, precision: trained.precision, lossScaling: result.best.result.lossScaling,
        // wall seconds over every grid point: per-task cost beside a peer's (bench/pytorch/glue_finetune.py's `seconds`)
        seconds: sweepSeconds(result),
      };
      ctx.log('info', `${d.task}: training step ${describeStepPath(trainingStep)}; evaluation ${describeStepPath(evaluationStep)}`);
      const fineTuned = result.best.result.bestWeights;
      if (fineTuned) {
        try {
          const dir = join(ctx.workDir, 'finetuned', d.task);
          await ops.save(dir, { config: result.best.result.config, weights: fineTuned, role: 'classifier', vocabPath: model.vocabPath, vocab: tokenizer.vocab, doLowerCase: tokenizer.lowercase });
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
    return {
      model: config.modelPath, family: model.family, parameterCount: countParameters(model.weights), tasks: scores, efficiency, steps: doneSteps,
      precision: trained.precision, lossScaling: trained.lossScaling,
    };
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
  memoryNeed: (config, files) => {
    const model = files.modelConfigOrNull(config.modelPath);
    if (!model) return null;
    const { batchSize, maxLength } = config.hp;
    return {
      bytes: fineTuneStepBytes(model.family, model.config, batchSize * maxLength, maxLength),
      what: `one fine-tuning step of batchSize ${batchSize} x ${maxLength} tokens on ${modelWords(model.family, model.config)}`,
      lower: 'lower batchSize or maxLength',
    };
  },
  run: runFineTune,
};
