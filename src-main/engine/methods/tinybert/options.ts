// TinyBERT general-distillation options (Jiao et al. 2020) and their validation.
import { refuseUnknownKeys } from '../common/run-config.js';
import type { StudentPreset, StudentTarget } from '../common/student-size.js';

export interface TinyBertLossWeights {
  /** MSE(E_s·W_h, E_t) on the embedding outputs. */
  embedding: number;
  /** Σ_m MSE(H_s^m·W_h, H_t^{g(m)}) over student layers. */
  hidden: number;
  /** Σ_m MSE(A_s^m, A_t^{g(m)}) on pre-softmax attention scores, masked positions zeroed. */
  attention: number;
  /** Soft-target CE of the MLM logits at temperature T: task distillation's term, off (0) in general distillation as general_distill.py. */
  prediction: number;
}

export interface TinyBertOptions {
  /** Any subset of { layers, hidden, heads, intermediate }; the rest from `preset` (default `tinybert-4l-312h`). */
  target?: Partial<StudentTarget>;
  preset?: StudentPreset;
  /** 0-based teacher layer for each student layer; default uniform round((i+1)·L/M) − 1 (g(m) = m·L/M). */
  layerMap?: number[];
  temperature?: number;
  weights?: Partial<TinyBertLossWeights>;
  /** Student dropout on hidden states and attention probabilities (BERT's 0.1). */
  dropout?: number;
  /** Seeds the student's random init, the projection W_h and the dropout masks. */
  seed?: number;
}

export interface ResolvedTinyBertOptions {
  temperature: number;
  weights: TinyBertLossWeights;
  dropout: number;
  seed: number;
}

export const TINYBERT_DEFAULTS: ResolvedTinyBertOptions = {
  temperature: 1,
  weights: { embedding: 1, hidden: 1, attention: 1, prediction: 0 },
  dropout: 0.1,
  seed: 0,
};

function nonNegative(v: unknown, key: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`tinybert.${key} must be a number >= 0, got ${JSON.stringify(v)}`);
  return v;
}

const OPTION_KEYS: (keyof TinyBertOptions)[] = ['target', 'preset', 'layerMap', 'temperature', 'weights', 'dropout', 'seed'];

export function resolveTinyBertOptions(o: TinyBertOptions): ResolvedTinyBertOptions {
  const d = TINYBERT_DEFAULTS;
  refuseUnknownKeys(o, OPTION_KEYS, 'TinyBERT');
  const w = o.weights ?? {};
  if (typeof w !== 'object' || w === null || Array.isArray(w)) throw new Error(`tinybert.weights must be an object { embedding, hidden, attention, prediction }, got ${JSON.stringify(w)}`);
  refuseUnknownKeys(w, ['embedding', 'hidden', 'attention', 'prediction'], 'TinyBERT weights');
  const weights: TinyBertLossWeights = {
    embedding: nonNegative(w.embedding, 'weights.embedding', d.weights.embedding),
    hidden: nonNegative(w.hidden, 'weights.hidden', d.weights.hidden),
    attention: nonNegative(w.attention, 'weights.attention', d.weights.attention),
    prediction: nonNegative(w.prediction, 'weights.prediction', d.weights.prediction),
  };
  const resolved: ResolvedTinyBertOptions = {
    temperature: nonNegative(o.temperature, 'temperature', d.temperature),
    weights,
    dropout: nonNegative(o.dropout, 'dropout', d.dropout),
    seed: o.seed ?? d.seed,
  };
  if (!(resolved.temperature > 0)) throw new Error(`tinybert.temperature must be > 0, got ${resolved.temperature}`);
  if (resolved.dropout >= 1) throw new Error(`tinybert.dropout must be < 1, got ${resolved.dropout}`);
  if (!Number.isInteger(resolved.seed)) throw new Error(`tinybert.seed must be an integer, got ${JSON.stringify(resolved.seed)}`);
  if (Object.values(weights).every((x) => x === 0)) throw new Error('tinybert.weights: at least one loss weight must be > 0');
  return resolved;
}
