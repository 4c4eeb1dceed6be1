// `npm run bench -- forward [options]`: BERT forward pass (encoder + MLM head, eval mode) of a given
// size, batch and sequence length on the chosen backend. Prints ms/step, tokens/s and peak tensor
// bytes as a table and one JSON line. `bench/train-step.ts` shares the options below.
import * as tf from '@tensorflow/tfjs';
import { Command } from 'commander';
import { selectBackend, BackendPreference } from '../src-main/engine/backend/index.js';
import { BertConfig, validateBertConfig } from '../src-main/engine/bert/config.js';
import { initBertWeights, disposeWeights, parameterCount } from '../src-main/engine/bert/weights.js';
import { bertForward, mlmHead } from '../src-main/engine/bert/forward.js';

/** hidden, layers, heads, intermediate. */
const SIZES: Record<string, [number, number, number, number]> = {
  tiny: [64, 2, 4, 128],
  small: [256, 4, 4, 1024],
  base: [768, 12, 12, 3072],
};

export interface BenchOptions {
  config: BertConfig;
  size: string;
  batch: number;
  seq: number;
  backend: BackendPreference;
  steps: number;
  warmup: number;
}

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got "${v}"`);
  return n;
};

export function parseBenchArgs(name: string, argv: string[]): BenchOptions {
  const cmd = new Command(`bench ${name}`)
    .option('--size <size>', `preset: ${Object.keys(SIZES).join('|')}`, 'tiny')
    .option('--layers <n>', 'num_hidden_layers (overrides the preset)', int('layers'))
    .option('--hidden <n>', 'hidden_size', int('hidden'))
    .option('--heads <n>', 'num_attention_heads', int('heads'))
    .option('--intermediate <n>', 'intermediate_size', int('intermediate'))
    .option('--vocab <n>', 'vocab_size', int('vocab'), 30522)
    .option('--batch <n>', 'batch size', int('batch'), 8)
    .option('--seq <n>', 'sequence length', int('seq'), 128)
    .option('--backend <name>', 'auto|tensorflow|webgpu|wasm|cpu', 'auto')
    .option('--steps <n>', 'timed steps', int('steps'), 10)
    .option('--warmup <n>', 'untimed steps first', int('warmup'), 2)
    .exitOverride();
  cmd.parse(argv, { from: 'user' });
  const o = cmd.opts();
  const preset = SIZES[o.size];
  if (!preset) throw new Error(`--size must be one of ${Object.keys(SIZES).join(', ')}, got "${o.size}"`);
  const [hidden, layers, heads, intermediate] = preset;
  const config: BertConfig = {
    vocabSize: o.vocab, hiddenSize: o.hidden ?? hidden, numHiddenLayers: o.layers ?? layers,
    numAttentionHeads: o.heads ?? heads, intermediateSize: o.intermediate ?? intermediate,
    maxPositionEmbeddings: Math.max(512, o.seq), typeVocabSize: 2, layerNormEps: 1e-12, hiddenAct: 'gelu',
  };
  validateBertConfig(config);
  return { config, size: o.size, batch: o.batch, seq: o.seq, backend: o.backend, steps: o.steps, warmup: o.warmup };
}

export interface BenchResult {
  bench: string;
  backend: string;
  device: string;
  size: string;
  layers: number;
  hidden: number;
  heads: number;
  intermediate: number;
  vocab: number;
  params: number;
  batch: number;
  seq: number;
  steps: number;
  msPerStep: number;
  tokensPerSecond: number;
  peakTensorBytes: number;
}

/**
 * Runs `step` warmup + steps times; `step` must return a tensor whose download marks the step's end.
 * The peak is measured on one extra, untimed step run under tf.profile (engine-wide bytes, all tensors).
 */
export async function timeSteps(o: BenchOptions, step: () => tf.Tensor): Promise<{ msPerStep: number; peakTensorBytes: number }> {
  const one = async () => {
    const t = step();
    await t.data(); // waits for the GPU queue on webgpu
    t.dispose();
  };
  for (let i = 0; i < o.warmup; i++) await one();
  const t0 = performance.now();
  for (let i = 0; i < o.steps; i++) await one();
  const msPerStep = (performance.now() - t0) / o.steps;
  const info = await tf.profile(() => step());
  const last = info.result as tf.Tensor;
  await last.data();
  last.dispose();
  return { msPerStep, peakTensorBytes: info.peakBytes };
}

export function report(r: BenchResult): void {
  const rows: [string, string][] = [
    ['bench', r.bench], ['backend', `${r.backend} (${r.device})`],
    ['model', `${r.size}: L${r.layers} H${r.hidden} A${r.heads} I${r.intermediate} V${r.vocab}, ${(r.params / 1e6).toFixed(2)}M params`],
    ['batch x seq', `${r.batch} x ${r.seq}`], ['steps', String(r.steps)],
    ['ms/step', r.msPerStep.toFixed(2)], ['tokens/s', r.tokensPerSecond.toFixed(0)],
    ['peak tensor MiB', (r.peakTensorBytes / 2 ** 20).toFixed(1)],
  ];
  for (const [k, v] of rows) console.log(`${k.padEnd(16)} ${v}`);
  console.log(JSON.stringify(r));
}

export function resultOf(bench: string, o: BenchOptions, backend: { name: string; device: string }, params: number,
  t: { msPerStep: number; peakTensorBytes: number }): BenchResult {
  const c = o.config;
  return {
    bench, backend: backend.name, device: backend.device, size: o.size, layers: c.numHiddenLayers, hidden: c.hiddenSize,
    heads: c.numAttentionHeads, intermediate: c.intermediateSize, vocab: c.vocabSize, params, batch: o.batch, seq: o.seq,
    steps: o.steps, msPerStep: t.msPerStep, tokensPerSecond: (o.batch * o.seq) / (t.msPerStep / 1000),
    peakTensorBytes: t.peakTensorBytes,
  };
}

/** Deterministic ids in [1000, vocab) (or [0, vocab) for tiny vocabs), no padding. */
export function benchIds(batch: number, seq: number, vocab: number): tf.Tensor2D {
  const ids = new Int32Array(batch * seq);
  const lo = vocab > 2000 ? 1000 : 0;
  for (let i = 0; i < ids.length; i++) ids[i] = lo + ((i * 7919) % (vocab - lo));
  return tf.tensor2d(ids, [batch, seq], 'int32');
}

export async function runForward(o: BenchOptions): Promise<BenchResult> {
  const backend = await selectBackend(o.backend);
  const w = initBertWeights(o.config, 1, { mlmHead: true });
  const inputIds = benchIds(o.batch, o.seq, o.config.vocabSize);
  const attentionMask = tf.onesLike(inputIds);
  const t = await timeSteps(o, () => tf.tidy(() => {
    const out = bertForward(w, o.config, { inputIds, attentionMask });
    // sync on one element: downloading the whole [batch, seq, vocab] logits would time the readback
    return mlmHead(w, o.config, out.lastHiddenState).slice([0, 0, 0], [1, 1, 1]);
  }));
  disposeWeights(w);
  tf.dispose([inputIds, attentionMask]);
  return resultOf('forward', o, backend, parameterCount(o.config, { mlmHead: true }), t);
}

export async function main(argv: string[]): Promise<BenchResult> {
  const r = await runForward(parseBenchArgs('forward', argv));
  report(r);
  return r;
}
