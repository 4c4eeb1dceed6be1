// The `evaluate` job: efficiency figures of one model (parameter count, weight-file size, batch-1
// latency and batch-32 throughput at sequence 128 on the run's backend), stored as evaluations with
// task "efficiency" so the comparison table shows them beside the GLUE scores.
import { loadAnyHfModel } from '../checkpoint/index.js';
import { countParameters, disposeWeights } from '../bert/index.js';
import { classifierWeights } from '../glue/finetune.js';
import { efficiencyEvaluations, measureEfficiency } from '../glue/efficiency.js';
import { evaluateConfigSchema, type EvaluateJobConfig } from '../../shared/api/glue-config.js';
import { parseWith } from '../config/parse.js';
import { forwardBytes, modelWords } from './memory.js';
import { ConfigError, type JobContext, type JobDefinition } from './types.js';

export type { EvaluateJobConfig } from '../../shared/api/glue-config.js';

/** The evaluate job's config from its fields (shared/api/glue-config.ts); throws a ConfigError naming the field. */
export function parseEvaluateConfig(raw: unknown): EvaluateJobConfig {
  return parseWith(evaluateConfigSchema, raw);
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
  memoryNeed: (config, files) => {
    const model = files.modelConfigOrNull(config.modelPath);
    if (!model) return null;
    const batch = Math.max(...config.batchSizes);
    return {
      bytes: forwardBytes(model.family, model.config, batch * config.seqLen, config.seqLen),
      what: `a forward pass of batch ${batch} x ${config.seqLen} tokens on ${modelWords(model.family, model.config)}`,
      lower: 'lower batchSizes or seqLen',
    };
  },
  run: runEvaluate,
};
