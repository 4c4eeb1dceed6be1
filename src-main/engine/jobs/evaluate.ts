// The `evaluate` job: efficiency figures of one model (parameter count, weight-file size, batch-1
// latency and batch-32 throughput at sequence 128 on the run's backend), stored as evaluations with
// task "efficiency" so the comparison table shows them beside the GLUE scores.
import { loadAnyHfModel } from '../checkpoint/index.js';
import { countParameters, disposeWeights } from '../bert/index.js';
import { classifierWeights } from '../glue/finetune.js';
import { efficiencyEvaluations, measureEfficiency } from '../glue/efficiency.js';
import { backendField, integerField, objectConfig, pathOrIdField } from '../glue/job-config.js';
import { ConfigError, type JobContext, type JobDefinition } from './types.js';

export interface EvaluateJobConfig {
  modelPath: string;
  modelId?: number;
  batchSizes: number[];
  seqLen: number;
  warmup: number;
  iters: number;
  backend: string;
  seed: number;
}

export function parseEvaluateConfig(raw: unknown): EvaluateJobConfig {
  const r = objectConfig(raw);
  const modelPath = pathOrIdField(r, 'modelPath', 'modelId');
  let batchSizes = [1, 32];
  if (r.batchSizes !== undefined) {
    const b = r.batchSizes;
    if (!Array.isArray(b) || b.length === 0 || b.some((x) => typeof x !== 'number' || !Number.isInteger(x) || x < 1 || x > 1024)) {
      throw new ConfigError(`batchSizes: expected a non-empty list of integers from 1 to 1024, got ${JSON.stringify(b)}`);
    }
    batchSizes = b as number[];
  }
  const cfg: EvaluateJobConfig = {
    modelPath: modelPath ?? '',
    batchSizes,
    seqLen: integerField(r, 'seqLen', 128, 1, 512),
    warmup: integerField(r, 'warmup', 2, 0, 100),
    iters: integerField(r, 'iters', 10, 1, 1000),
    backend: backendField(r),
    seed: integerField(r, 'seed', 0, 0, 2 ** 31 - 1),
  };
  if (typeof r.modelId === 'number') cfg.modelId = r.modelId;
  return cfg;
}

async function runEvaluate(config: EvaluateJobConfig, ctx: JobContext): Promise<Record<string, unknown>> {
  if (!config.modelPath) throw new ConfigError('modelPath: the job needs the model folder (the service resolves modelId to modelPath)');
  const model = await loadAnyHfModel(config.modelPath);
  // Timed as a sequence classifier (encoder + pooler + head), the way a fine-tuned model is used.
  const { config: clsConfig, initial } = classifierWeights(model, 'SST-2', config.seed);
  try {
    ctx.progress({ step: 0, totalSteps: config.batchSizes.length, phase: 'efficiency', values: {}, etaSeconds: null });
    const figures = await measureEfficiency({ family: model.family, config: clsConfig, weights: initial }, {
      modelDir: config.modelPath, batchSizes: config.batchSizes, seqLen: config.seqLen, warmup: config.warmup, iters: config.iters,
    });
    // The parameter count is the checkpoint's own (what the file holds), not the timing head's.
    figures.parameterCount = countParameters(model.weights);
    for (const e of efficiencyEvaluations(figures)) ctx.evaluation({ ...e, modelPath: config.modelPath });
    for (const t of figures.timings) {
      ctx.metric(t.batchSize, 'latencyMs', t.medianMs);
      ctx.metric(t.batchSize, 'sequencesPerSec', t.sequencesPerSec);
    }
    ctx.progress({
      step: config.batchSizes.length, totalSteps: config.batchSizes.length, phase: 'efficiency', etaSeconds: 0,
      values: Object.fromEntries(efficiencyEvaluations(figures).map((e) => [e.metric, e.value])),
    });
    return { model: config.modelPath, family: model.family, device: ctx.backend.device, ...figures };
  } finally {
    for (const [name, t] of Object.entries(initial)) if (model.weights[name] !== t) t.dispose();
    disposeWeights(model.weights);
  }
}

export const evaluateJob: JobDefinition<EvaluateJobConfig> = {
  method: 'evaluate',
  parseConfig: parseEvaluateConfig,
  run: runEvaluate,
};
