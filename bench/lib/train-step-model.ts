// One BERT masked-LM training step (forward, MLM loss, backward, AdamW) run by the workbench
// engine, with the shapes of bench/pytorch/bert_step.py, for gpu-compare and gpu-probe.
import * as tf from '@tensorflow/tfjs';
import type { BertConfig } from '../../src-main/engine/bert/config.js';
import { initBertWeights } from '../../src-main/engine/bert/weights.js';
import { bertForward, mlmHead } from '../../src-main/engine/bert/forward.js';
import { maskedLmLoss } from '../../src-main/engine/bert/mlm-loss.js';
import { AdamW, stepValuesTensor } from '../../src-main/engine/train/adamw.js';
import { CapturedStep, type CaptureStatus } from '../../src-main/engine/capture/captured-step.js';
import { variableGrads } from '../../src-main/engine/autodiff/variable-grads.js';

export { benchConfig, SIZE_NAMES } from './sizes.js';

export interface TrainStep {
  /** Runs one step; returns the loss (caller disposes). */
  step(): tf.Scalar;
  params: number;
  /** With `capture`: how the steps ran, and the GPU time of each replay (timestamp queries) when the device has them. */
  capture?: { status(): CaptureStatus; gpuMilliseconds(): Promise<number[]> | null; memory(): ReturnType<CapturedStep['memory']> };
  /** The model's parameters (by HF name). */
  vars: Record<string, tf.Variable>;
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

/**
 * The engine's MLM training step at a bench size. `capture`: through capture/captured-step.ts as the training loop
 * runs it (replayed after two agreeing recordings; 'off' = every step eager through the same code).
 */
export function makeTrainStep(cfg: BertConfig, batch: number, seq: number, opts: { seed?: number; lr?: number; capture?: 'auto' | 'off'; onGrads?: (grads: tf.NamedTensorMap) => void } = {}): TrainStep {
  const init = initBertWeights(cfg, opts.seed ?? 0, { mlmHead: true });
  const vars: Record<string, tf.Variable> = {};
  for (const [name, t] of Object.entries(init)) { vars[name] = tf.variable(t, true, name); t.dispose(); }
  const optimizer = new AdamW(Object.values(vars), { weightDecay: 0.01 });
  const data = benchBatch(batch, seq, cfg.vocabSize, opts.seed ?? 0);
  const lr = opts.lr ?? 1e-4;
  const params = Object.values(vars).reduce((n, v) => n + v.size, 0);
  if (opts.capture) {
    const list = Object.values(vars);
    let h = { lr, bc1: 1, bc2: 1 };
    const captured = new CapturedStep('bench', (inp) => {
      const { value, grads } = variableGrads(() => {
        const out = bertForward(vars, cfg, { inputIds: inp.inputIds as tf.Tensor2D, attentionMask: inp.attentionMask as tf.Tensor2D });
        return maskedLmLoss(mlmHead(vars, cfg, out.lastHiddenState), inp.labels as tf.Tensor2D);
      }, list);
      opts.onGrads?.(grads);
      optimizer.applyStep(grads, h, inp.adamStep);
      return { loss: value };
    }, { mode: opts.capture, timeGpu: true });
    return {
      params,
      vars,
      capture: captured,
      step() {
        h = optimizer.nextStep(lr);
        const adamStep = stepValuesTensor(h);
        try {
          return captured.run({ ...data, adamStep }).loss as tf.Scalar;
        } finally {
          adamStep.dispose();
        }
      },
      dispose() {
        captured.dispose();
        optimizer.dispose();
        tf.dispose(Object.values(vars));
        tf.dispose([data.inputIds, data.attentionMask, data.labels]);
      },
    };
  }
  return {
    params,
    vars,
    step() {
      const { value, grads } = variableGrads(() => {
        const out = bertForward(vars, cfg, { inputIds: data.inputIds, attentionMask: data.attentionMask });
        return maskedLmLoss(mlmHead(vars, cfg, out.lastHiddenState), data.labels);
      });
      opts.onGrads?.(grads);
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
