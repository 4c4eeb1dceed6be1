// Efficiency figures a student is compared on besides its scores: parameter count, size on disk, forward FLOPs per
// token (counted from the config: ALBERT's shared layer is stored once but runs at every application, so its
// parameters fall and its FLOPs do not), and measured inference latency (batch 1) and throughput (batch 32) at
// sequence length 128 on the backend that is active now. Inference = encoder + pooler (+ classifier when the model has one),
// as a sequence classifier runs it; the timer stops only after the result is read back, because
// tfjs kernels run asynchronously on GPU backends.
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { countParameters } from '../bert/index.js';
import { familyOps, type FamilyModel } from '../model-family/index.js';
import { Rng } from '../train/rng.js';

export interface EfficiencyOptions {
  /** Batch sizes to time; latency is reported for batch 1, throughput for the largest batch. */
  batchSizes?: number[];
  seqLen?: number;
  /** Untimed forward passes per batch size (kernel compilation, allocator warm-up). */
  warmup?: number;
  /** Timed forward passes per batch size. */
  iters?: number;
  /** Model folder; its weight files give the size on disk. */
  modelDir?: string;
}

export interface EfficiencyTiming {
  batchSize: number;
  seqLen: number;
  iters: number;
  medianMs: number;
  meanMs: number;
  /** Sequences per second over all timed passes. */
  sequencesPerSec: number;
}

export interface EfficiencyFigures {
  parameterCount: number;
  /** Matrix-product FLOPs of the encoder per token at the timed sequence length (every application of a shared layer counted). */
  flopsPerToken: number;
  /** Bytes of the model's weight files (model.safetensors, ...); null without a model folder. */
  fileSize: number | null;
  /** Median ms of one batch-1 pass; null when batch 1 was not timed. */
  latencyMsBatch1: number | null;
  /** Sequences/s at batch 32; null when batch 32 was not timed. */
  throughputBatch32: number | null;
  backend: string;
  timings: EfficiencyTiming[];
}

/**
 * Bytes of the model's weights as transformers would load them: the shards named by
 * model.safetensors.index.json, else model.safetensors, else pytorch_model.bin (other files in the
 * folder, e.g. test references, config or vocab, are not the model's size).
 */
export function modelFileSize(dir: string): number {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`model folder "${dir}" does not exist or is not a folder`);
  const index = join(dir, 'model.safetensors.index.json');
  if (existsSync(index)) {
    const map = (JSON.parse(readFileSync(index, 'utf8')) as { weight_map?: Record<string, string> }).weight_map ?? {};
    return [...new Set(Object.values(map))].reduce((n, f) => n + statSync(join(dir, f)).size, 0);
  }
  for (const f of ['model.safetensors', 'pytorch_model.bin']) if (existsSync(join(dir, f))) return statSync(join(dir, f)).size;
  throw new Error(`model folder "${dir}" has no weight file (expected model.safetensors)`);
}

function positiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v <= 0) throw new Error(`measureEfficiency: ${name} must be a positive integer, got ${v}`);
  return v;
}

/** One inference pass; returns the output tensor (caller reads and disposes it). */
function inferenceLogits(model: FamilyModel, inputIds: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor {
  const ops = familyOps(model.family);
  return tf.tidy(() => {
    const { lastHiddenState } = ops.encode(model.weights, model.config, { inputIds, attentionMask: mask });
    const hasClassifier = 'classifier.weight' in model.weights;
    if (!hasClassifier && !Object.keys(model.weights).some(ops.isPoolerWeight)) return lastHiddenState;
    const pooled = ops.pooled(model.weights, model.config, lastHiddenState);
    return hasClassifier ? ops.classify(model.weights, model.config, pooled) : pooled;
  });
}

export async function measureEfficiency(model: FamilyModel, opts: EfficiencyOptions = {}): Promise<EfficiencyFigures> {
  const batchSizes = (opts.batchSizes ?? [1, 32]).map((b) => positiveInt('batchSizes[]', b));
  const seqLen = positiveInt('seqLen', opts.seqLen ?? 128);
  const warmup = opts.warmup ?? 2;
  const iters = positiveInt('iters', opts.iters ?? 10);
  if (seqLen > model.config.maxPositionEmbeddings) {
    throw new Error(`measureEfficiency: seqLen ${seqLen} exceeds the model's maxPositionEmbeddings (${model.config.maxPositionEmbeddings})`);
  }
  const rng = new Rng(1234);
  const timings: EfficiencyTiming[] = [];
  for (const batchSize of batchSizes) {
    // Token ids past the specials (0..4 in BERT vocabularies); a full attention mask, so every position costs.
    const ids = Int32Array.from({ length: batchSize * seqLen }, () => 5 + rng.nextInt(Math.max(1, model.config.vocabSize - 5)));
    const inputIds = tf.tensor2d(ids, [batchSize, seqLen], 'int32');
    const mask = tf.ones([batchSize, seqLen], 'int32') as tf.Tensor2D;
    try {
      const pass = async () => {
        const out = inferenceLogits(model, inputIds, mask);
        try { await out.data(); } finally { out.dispose(); }
      };
      for (let i = 0; i < warmup; i++) await pass();
      const ms: number[] = [];
      for (let i = 0; i < iters; i++) {
        const t0 = performance.now();
        await pass();
        ms.push(performance.now() - t0);
      }
      const total = ms.reduce((a, b) => a + b, 0);
      const sorted = [...ms].sort((a, b) => a - b);
      const mid = sorted.length >> 1;
      const medianMs = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
      timings.push({ batchSize, seqLen, iters, medianMs, meanMs: total / iters, sequencesPerSec: (batchSize * iters * 1000) / total });
    } finally {
      inputIds.dispose();
      mask.dispose();
    }
  }
  return {
    parameterCount: countParameters(model.weights),
    flopsPerToken: familyOps(model.family).forwardFlops(model.config, seqLen) / seqLen,
    fileSize: opts.modelDir ? modelFileSize(opts.modelDir) : null,
    latencyMsBatch1: timings.find((t) => t.batchSize === 1)?.medianMs ?? null,
    throughputBatch32: timings.find((t) => t.batchSize === 32)?.sequencesPerSec ?? null,
    backend: tf.getBackend(),
    timings,
  };
}

/** The figures as evaluations (task "efficiency"), the way buildComparison reads them back. */
export function efficiencyEvaluations(f: EfficiencyFigures): { task: 'efficiency'; metric: string; value: number }[] {
  const out: { task: 'efficiency'; metric: string; value: number }[] = [
    { task: 'efficiency', metric: 'parameterCount', value: f.parameterCount },
    { task: 'efficiency', metric: 'flopsPerToken', value: f.flopsPerToken },
  ];
  if (f.fileSize !== null) out.push({ task: 'efficiency', metric: 'fileSize', value: f.fileSize });
  if (f.latencyMsBatch1 !== null) out.push({ task: 'efficiency', metric: 'latencyMsBatch1', value: f.latencyMsBatch1 });
  if (f.throughputBatch32 !== null) out.push({ task: 'efficiency', metric: 'throughputBatch32', value: f.throughputBatch32 });
  return out;
}
