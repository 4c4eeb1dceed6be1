// The authors' way of shrinking the compactors (uer/trainer.py:227-260; docs/wid.md §3): masked dims stay
// in the forward and decay. Before the first mask (step <= firstMaskStep) every compactor gets a plain L2 gradient
// (+param). After it, in each compactor's masked rows (row compactors) or columns (column compactors), and in
// the masked entries of trainable biases and LayerNorm gamma/beta, the gradient is replaced by min(λ,1)·param,
// and Adam's first moment gets m ← 0.9·m + 0.1·(λ−1)·param·[masked] before the optimiser step (λ = 20).
import * as tf from '@tensorflow/tfjs';
import { BertConfig } from '../../bert/index.js';
import { Compactors, EMBEDDING_COMPACTOR, MLM_TRANSFORM } from './compactors.js';
import { WidMasks, attentionIndices } from './masks.js';
import { assignInPlace } from '../../capture/in-place.js';
import type { MomentAccess } from '../../train/method.js';
import { activeWebgpu } from '../../capture/webgpu-internals.js';
import { fusionsOn } from '../../kernels/fusions.js';
import { widPenaltyInPlace } from '../../kernels/webgpu-wid-penalty.js';

type Group = { kind: 'residual' } | { kind: 'attention' | 'intermediate'; layer: number };
/** A trainable tensor the penalty acts on, and which of its axes the mask indexes. */
export interface PenaltyTarget { variable: tf.Variable; group: Group; axis: 'rows' | 'cols' | 'vector'; compactor: boolean }

/**
 * 0/1 keep vectors of each mask group (teacher coordinates), and their complements (1 where masked), made once per
 * mask event so the step does not form 1 − keep for every penalised tensor. Owned by the caller.
 */
export interface KeepVectors {
  residual: tf.Tensor1D; attention: tf.Tensor1D[]; intermediate: tf.Tensor1D[];
  masked: { residual: tf.Tensor1D; attention: tf.Tensor1D[]; intermediate: tf.Tensor1D[] };
}

export function keepVectors(cfg: BertConfig, masks: WidMasks): KeepVectors {
  const d = cfg.hiddenSize / cfg.numAttentionHeads;
  const vec = (n: number, kept: number[], value: 0 | 1) => {
    const a = new Float32Array(n).fill(1 - value);
    for (const i of kept) a[i] = value;
    return tf.tensor1d(a);
  };
  const group = (value: 0 | 1) => ({
    residual: vec(cfg.hiddenSize, masks.residual, value),
    attention: masks.heads.map((_, l) => vec(cfg.hiddenSize, attentionIndices(masks, l, d), value)),
    intermediate: masks.intermediate.map((kept) => vec(cfg.intermediateSize, kept, value)),
  });
  return { ...group(1), masked: group(0) };
}

export function disposeKeepVectors(k: KeepVectors): void {
  tf.dispose([k.residual, ...k.attention, ...k.intermediate, k.masked.residual, ...k.masked.attention, ...k.masked.intermediate]);
}

/**
 * Which compactor axis and which teacher bias / LayerNorm vector each mask governs (uer/trainer.py:192-226:
 * a bias takes the mask of the row compactor after it; LayerNorms the residual mask). `teacher` holds the
 * trainable teacher tensors by HF name (empty when teacher weights are frozen).
 */
export function penaltyTargets(cfg: BertConfig, c: Compactors, teacher: Record<string, tf.Variable>): PenaltyTarget[] {
  const out: PenaltyTarget[] = [];
  const R: Group = { kind: 'residual' };
  const comp = (key: string, group: Group, axis: 'rows' | 'cols') => out.push({ variable: c[key], group, axis, compactor: true });
  const vec = (name: string, group: Group) => { if (teacher[name]) out.push({ variable: teacher[name], group, axis: 'vector', compactor: false }); };
  comp(EMBEDDING_COMPACTOR, R, 'rows');
  vec('bert.embeddings.LayerNorm.weight', R); vec('bert.embeddings.LayerNorm.bias', R);
  for (let l = 0; l < cfg.numHiddenLayers; l++) {
    const p = `bert.encoder.layer.${l}.`;
    const A: Group = { kind: 'attention', layer: l }, I: Group = { kind: 'intermediate', layer: l };
    for (const qkv of ['query', 'key', 'value']) {
      comp(`${p}attention.self.${qkv}.col`, R, 'cols');
      comp(`${p}attention.self.${qkv}.row`, A, 'rows');
      vec(`${p}attention.self.${qkv}.bias`, A);
    }
    comp(`${p}attention.output.dense.col`, A, 'cols');
    comp(`${p}attention.output.dense.row`, R, 'rows');
    vec(`${p}attention.output.dense.bias`, R);
    comp(`${p}intermediate.dense.col`, R, 'cols');
    comp(`${p}intermediate.dense.row`, I, 'rows');
    vec(`${p}intermediate.dense.bias`, I);
    comp(`${p}output.dense.col`, I, 'cols');
    comp(`${p}output.dense.row`, R, 'rows');
    vec(`${p}output.dense.bias`, R);
    for (const ln of ['attention.output.LayerNorm', 'output.LayerNorm']) { vec(`${p}${ln}.weight`, R); vec(`${p}${ln}.bias`, R); }
  }
  comp(`${MLM_TRANSFORM}.col`, R, 'cols');
  comp(`${MLM_TRANSFORM}.row`, R, 'rows');
  vec(`${MLM_TRANSFORM}.bias`, R);
  vec('cls.predictions.transform.LayerNorm.weight', R); vec('cls.predictions.transform.LayerNorm.bias', R);
  // cls.predictions.bias (vocabulary) is never masked (the authors skip mlm_linear_2)
  return out;
}

const keepOf = (k: KeepVectors, g: Group) => (g.kind === 'residual' ? k.residual : k[g.kind][g.layer]);
const precomputedMasked = (k: KeepVectors, g: Group) => (g.kind === 'residual' ? k.masked.residual : k.masked[g.kind][g.layer]);
/**
 * 1 − keep: the mask event's precomputed complement, or (env WID_PENALTY_MASKED=step, read at each call) formed
 * in the step as before. The same values either way; the precomputed one saves a dispatch per penalised tensor
 * and use.
 */
const maskedOf = (k: KeepVectors, g: Group, keep: tf.Tensor) =>
  process.env.WID_PENALTY_MASKED === 'step' ? tf.sub(1, keep) : precomputedMasked(k, g);
/** The vector shaped to broadcast along the mask's axis. */
const along = (v: tf.Tensor, axis: PenaltyTarget['axis']) => (axis === 'rows' ? v.reshape([-1, 1]) : axis === 'cols' ? v.reshape([1, -1]) : v);

export interface PenaltySettings {
  /** 1-based count of the step being taken (the authors' current_step). */
  step: number;
  /** Steps taken before the first mask (the authors' w_step unless `firstMaskAt` moves it). */
  firstMaskStep: number;
  lambda: number;
}

/**
 * New gradients for the penalised tensors (caller disposes them); writes the (λ−1) share into Adam's
 * first moment (not on a loss-scaled step that is skipped). Tensors without a gradient are skipped.
 */
export function authorsPenalty(
  grads: tf.NamedTensorMap, targets: PenaltyTarget[], keep: KeepVectors, s: PenaltySettings,
  optimizer: MomentAccess,
): tf.NamedTensorMap {
  const out: tf.NamedTensorMap = {};
  const { lambda } = s;
  for (const t of targets) {
    const g = grads[t.variable.name];
    if (!g) continue;
    if (s.step <= s.firstMaskStep) {
      if (t.compactor) out[t.variable.name] = tf.tidy(() => tf.add(g, t.variable)); // L2 pull before the first mask
      continue;
    }
    const k = keepOf(keep, t.group);
    const be = activeWebgpu();
    if (be && fusionsOn('wid-penalty') && process.env.WID_PENALTY_MASKED !== 'step') {
      // one dispatch per tensor: the gradient below and the moment's write (kernels/webgpu-wid-penalty.ts)
      out[t.variable.name] = widPenaltyInPlace(be, { grad: g, param: t.variable, masked: precomputedMasked(keep, t.group), axis: t.axis, lambda,
        moment: optimizer.firstMoment(t.variable.name) ?? null, skip: optimizer.skip ?? null });
      continue;
    }
    out[t.variable.name] = tf.tidy(() => {
      const kept = along(k, t.axis);
      const masked = along(maskedOf(keep, t.group, k), t.axis);
      // min(λ, 1) = 1 for the authors' λ = 20: masked·1 is masked, so no multiply is needed
      return tf.add(tf.mul(g, kept), tf.mul(t.variable, lambda >= 1 ? masked : tf.mul(masked, lambda)));
    });
    const m = optimizer.firstMoment(t.variable.name);
    if (lambda > 1 && m) {
      tf.tidy(() => {
        const masked = along(maskedOf(keep, t.group, k), t.axis);
        // uer/trainer.py:232-233, 256-257: the whole moment is scaled by 0.9, the masked entries get 0.1·(λ−1)·param
        // in place: a captured step replays this write into the moment's own buffer
        const next = tf.add(tf.mul(m, 0.9), tf.mul(tf.mul(t.variable, masked), 0.1 * (lambda - 1)));
        // a loss-scaled step whose gradients overflowed is skipped: the moment stays as it was (flag read on the device)
        assignInPlace(m, optimizer.skip ? tf.where(tf.greater(optimizer.skip, 0), m, next) : next);
      });
    }
  }
  return out;
}
