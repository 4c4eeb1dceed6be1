// One BERT masked-LM training step (forward, MLM loss, backward, AdamW) run by the workbench
// engine, with the shapes of bench/pytorch/bert_step.py, for gpu-compare and gpu-probe.
import * as tf from '@tensorflow/tfjs';
import { BertConfig } from '../../src-main/engine/bert/config.js';
import { initBertWeights } from '../../src-main/engine/bert/weights.js';
import { bertForward, mlmHead } from '../../src-main/engine/bert/forward.js';
import { maskedLmLoss } from '../../src-main/engine/bert/mlm-loss.js';
import { AdamW } from '../../src-main/engine/train/adamw.js';

/** Same sizes as bench/pytorch/bert_step.py SIZES (hidden, layers, heads, intermediate). */
export const BENCH_SIZES: Record<string, [number, number, number, number]> = {
  base: [768, 12, 12, 3072],
  small: [256, 4, 4, 1024],
  tiny: [64, 2, 4, 128],
};

export function benchConfig(size: string, vocabSize = 30522): BertConfig {
  const s = BENCH_SIZES[size];
  if (!s) throw new Error(`size "${size}" is not one of ${Object.keys(BENCH_SIZES).join(', ')}`);
  const [hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize] = s;
  return {
    vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize,
    maxPositionEmbeddings: 512, typeVocabSize: 2, layerNormEps: 1e-12, hiddenAct: 'gelu',
  };
}

export interface TrainStep {
  /** Runs one step; returns the loss (caller disposes). */
  step(): tf.Scalar;
  params: number;
  dispose(): void;
}

/** Deterministic batch: ids in [1000, vocab), ~15% positions labelled (seeded, not Math.random). */
export function benchBatch(batch: number, seq: number, vocab: number, seed = 0) {
  let state = (seed * 2654435761 + 12345) >>> 0;
  const rand = () => { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return state / 2 ** 32; };
  const ids = new Int32Array(batch * seq), labels = new Int32Array(batch * seq);
  const lo = Math.min(1000, vocab - 1);
  for (let i = 0; i < ids.length; i++) {
    ids[i] = lo + Math.floor(rand() * (vocab - lo));
    labels[i] = rand() < 0.15 ? ids[i] : -100;
  }
  return {
    inputIds: tf.tensor2d(ids, [batch, seq], 'int32'),
    attentionMask: tf.ones([batch, seq], 'int32') as tf.Tensor2D,
    labels: tf.tensor2d(labels, [batch, seq], 'int32'),
  };
}

export function makeTrainStep(cfg: BertConfig, batch: number, seq: number, opts: { seed?: number; lr?: number } = {}): TrainStep {
  const init = initBertWeights(cfg, opts.seed ?? 0, { mlmHead: true });
  const vars: Record<string, tf.Variable> = {};
  for (const [name, t] of Object.entries(init)) { vars[name] = tf.variable(t, true, name); t.dispose(); }
  const optimizer = new AdamW(Object.values(vars), { weightDecay: 0.01 });
  const data = benchBatch(batch, seq, cfg.vocabSize, opts.seed ?? 0);
  const lr = opts.lr ?? 1e-4;
  const params = Object.values(vars).reduce((n, v) => n + v.size, 0);
  return {
    params,
    step() {
      const { value, grads } = tf.variableGrads(() => {
        const out = bertForward(vars, cfg, { inputIds: data.inputIds, attentionMask: data.attentionMask });
        return maskedLmLoss(mlmHead(vars, cfg, out.lastHiddenState), data.labels);
      });
      optimizer.applyGradients(grads, lr);
      tf.dispose(grads);
      return value;
    },
    dispose() {
      optimizer.dispose();
      tf.dispose(Object.values(vars));
      tf.dispose([data.inputIds, data.attentionMask, data.labels]);
    },
  };
}
