// Distillation loss terms shared by DistilBERT, TinyBERT (and WID): soft-target cross-entropy with
// temperature, cosine embedding loss, mean squared error, and the zeroing of masked attention scores.
// Every function is pure (no variables) and tidy, so it can run inside a gradient tape.
import * as tf from '@tensorflow/tfjs';
import { stopGradient } from './stop-gradient.js';

/** Mask [b, s] of 1/0 (or [n]) flattened to float [n]; `undefined` = every position counts. */
function positionWeights(mask: tf.Tensor | undefined, positions: number, what: string): tf.Tensor1D | undefined {
  if (!mask) return undefined;
  if (mask.size !== positions) {
    throw new Error(`${what}: mask shape [${mask.shape}] must cover the ${positions} positions of the logits`);
  }
  return mask.reshape([positions]).toFloat() as tf.Tensor1D;
}

/** Mean of `perPosition` [n], over all positions or weighted by `weights` (0/1). */
function meanOverPositions(perPosition: tf.Tensor1D, weights: tf.Tensor1D | undefined): tf.Scalar {
  if (!weights) return tf.mean(perPosition) as tf.Scalar;
  return tf.div(tf.sum(tf.mul(perPosition, weights)), tf.maximum(tf.sum(weights), 1)) as tf.Scalar;
}

export interface SoftCrossEntropyOptions {
  /** Softens both distributions: softmax(logits / T). Must be > 0. */
  temperature: number;
  /** [b, s] 1 = position counts; omitted = all positions. */
  mask?: tf.Tensor;
}

/**
 * Soft-target cross-entropy  mean_i( -Σ_v softmax(t_i/T)_v · log softmax(s_i/T)_v ),
 * averaged over the counted positions i. Logits are [..., vocab]. The teacher side gets no gradient.
 * It differs from KL(teacher‖student) only by the teacher's entropy, a constant for the student, so the
 * gradient equals DistilBERT's KLDivLoss. Callers that follow Hinton et al. multiply by T² themselves.
 */
export function softCrossEntropy(studentLogits: tf.Tensor, teacherLogits: tf.Tensor, opts: SoftCrossEntropyOptions): tf.Scalar {
  if (studentLogits.shape.join() !== teacherLogits.shape.join()) {
    throw new Error(`softCrossEntropy: student logits [${studentLogits.shape}] and teacher logits [${teacherLogits.shape}] must have the same shape`);
  }
  if (!(opts.temperature > 0)) throw new Error(`softCrossEntropy: temperature must be > 0, got ${opts.temperature}`);
  return tf.tidy(() => {
    const v = studentLogits.shape[studentLogits.rank - 1];
    const n = studentLogits.size / v;
    const weights = positionWeights(opts.mask, n, 'softCrossEntropy');
    const target = stopGradient(tf.softmax(tf.div(teacherLogits.reshape([n, v]), opts.temperature), -1));
    const logQ = tf.logSoftmax(tf.div(studentLogits.reshape([n, v]), opts.temperature), -1);
    const perPosition = tf.neg(tf.sum(tf.mul(target, logQ), -1)) as tf.Tensor1D;
    return meanOverPositions(perPosition, weights);
  });
}

/**
 * Soft-target KL divergence  mean_i Σ_v p_v (log p_v − log q_v)  with p = softmax(t_i/T), q = softmax(s_i/T),
 * averaged over the counted positions (torch KLDivLoss(reduction='batchmean') on the selected rows, as DistilBERT's
 * distiller.py). Equals softCrossEntropy minus the teacher's entropy: same gradient, but 0 for a perfect student.
 */
export function softTargetKl(studentLogits: tf.Tensor, teacherLogits: tf.Tensor, opts: SoftCrossEntropyOptions): tf.Scalar {
  if (studentLogits.shape.join() !== teacherLogits.shape.join()) {
    throw new Error(`softTargetKl: student logits [${studentLogits.shape}] and teacher logits [${teacherLogits.shape}] must have the same shape`);
  }
  if (!(opts.temperature > 0)) throw new Error(`softTargetKl: temperature must be > 0, got ${opts.temperature}`);
  return tf.tidy(() => {
    const v = studentLogits.shape[studentLogits.rank - 1];
    const n = studentLogits.size / v;
    const weights = positionWeights(opts.mask, n, 'softTargetKl');
    const logP = stopGradient(tf.logSoftmax(tf.div(teacherLogits.reshape([n, v]), opts.temperature), -1));
    const logQ = tf.logSoftmax(tf.div(studentLogits.reshape([n, v]), opts.temperature), -1);
    // a KL is >= 0; float rounding can give -1e-7 per row, so each row is clamped at 0
    const perPosition = tf.relu(tf.sum(tf.mul(tf.exp(logP), tf.sub(logP, logQ)), -1)) as tf.Tensor1D;
    return meanOverPositions(perPosition, weights);
  });
}

export interface CosineLossOptions {
  /** [b, s] 1 = position counts; omitted = all positions. */
  mask?: tf.Tensor;
}

/**
 * Cosine embedding loss with target +1 (torch CosineEmbeddingLoss): mean_i (1 - cos(s_i, t_i)) over the
 * counted positions; vectors along the last axis. The teacher side gets no gradient.
 */
export function cosineEmbeddingLoss(student: tf.Tensor, teacher: tf.Tensor, opts: CosineLossOptions = {}): tf.Scalar {
  if (student.shape.join() !== teacher.shape.join()) {
    throw new Error(`cosineEmbeddingLoss: student [${student.shape}] and teacher [${teacher.shape}] must have the same shape`);
  }
  return tf.tidy(() => {
    const d = student.shape[student.rank - 1];
    const n = student.size / d;
    const weights = positionWeights(opts.mask, n, 'cosineEmbeddingLoss');
    const s = student.reshape([n, d]);
    const t = stopGradient(teacher.reshape([n, d]));
    // torch: x·y / sqrt(clamp(|x|²·|y|², eps²)), eps = 1e-8
    const dot = tf.sum(tf.mul(s, t), -1);
    const norms = tf.sqrt(tf.maximum(tf.mul(tf.sum(tf.square(s), -1), tf.sum(tf.square(t), -1)), 1e-16));
    const perPosition = tf.sub(1, tf.div(dot, norms)) as tf.Tensor1D;
    return meanOverPositions(perPosition, weights);
  });
}

/** torch MSELoss (mean over every element). The teacher side gets no gradient. */
export function meanSquaredError(student: tf.Tensor, teacher: tf.Tensor): tf.Scalar {
  if (student.shape.join() !== teacher.shape.join()) {
    throw new Error(`meanSquaredError: student [${student.shape}] and teacher [${teacher.shape}] must have the same shape`);
  }
  return tf.tidy(() => tf.mean(tf.squaredDifference(student, stopGradient(teacher))) as tf.Scalar);
}

/**
 * Attention scores with the additive padding mask hold huge negatives at masked keys; TinyBERT's reference
 * sets every score <= -100 to 0 before the MSE, so padding contributes nothing (and no overflow).
 */
export const MASKED_SCORE_THRESHOLD = -1e2;

export function zeroMaskedScores(scores: tf.Tensor): tf.Tensor {
  // step(x) is 1 for x > 0 and 0 otherwise, with a zero gradient; tf.where(lessEqual(...)) would make the
  // tape look for LessEqual's gradient, which tfjs does not have. -3.4e38 · 0 = -0, no NaN.
  return tf.tidy(() => tf.mul(scores, tf.step(tf.sub(scores, MASKED_SCORE_THRESHOLD))));
}
