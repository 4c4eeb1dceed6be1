// ALBERT method options (Lan et al. 2020, scaled to the budget) and their validation. Every departure from the
// authors' recipe is one of these options; docs/baselines.md tabulates them.
import { refuseUnknownKeys } from '../common/run-config.js';
import type { StudentPreset, StudentTarget } from '../common/student-size.js';

export interface AlbertOptions {
  /** Any subset of { layers, hidden, heads, intermediate }; the rest from `preset` (default `wid55`: WID-50 %'s shape). */
  target?: Partial<StudentTarget>;
  preset?: StudentPreset;
  /** E, the factorised embedding's width; default hidden·128/768 (ALBERT-base's 128 for 768), at least 1. */
  embeddingSize?: number;
  /** How the one shared layer starts: a copy of one teacher layer (`layer`, default) or the mean of all teacher layers (`average`). */
  sharedInit?: 'layer' | 'average';
  /** The teacher layer `sharedInit: 'layer'` copies (0-based); default the middle one, floor((L − 1) / 2). */
  sharedLayer?: number;
  /** Loss weights: masked-LM cross-entropy and sentence-order prediction (ALBERT's objective, 1 + 1) and logit distillation from the teacher (off by default). */
  alpha?: { mlm?: number; kd?: number; sop?: number };
  /** Softmax temperature of the logit-distillation term (multiplied by T²). */
  temperature?: number;
  /**
   * Sentence-order prediction on segment pairs of one document (train/sentence-order.ts). Unset: on where the corpus
   * has document boundaries (blank lines, or several files), off where it has none; true: refuse a corpus without them.
   */
  sop?: boolean;
  /** Student dropout (ALBERT: 0 — its authors found dropout hurt; BERT's 0.1 here would be a deviation). */
  dropout?: number;
  seed?: number;
}

export interface ResolvedAlbertOptions {
  sharedInit: 'layer' | 'average';
  alpha: { mlm: number; kd: number; sop: number };
  temperature: number;
  sop: 'auto' | boolean;
  dropout: number;
  seed: number;
}

// run_pretraining.py:177 (google-research/albert): total_loss = masked_lm_loss + sentence_order_loss
export const ALBERT_DEFAULTS: ResolvedAlbertOptions = { sharedInit: 'layer', alpha: { mlm: 1, kd: 0, sop: 1 }, temperature: 2, sop: 'auto', dropout: 0, seed: 0 };

const OPTION_KEYS: (keyof AlbertOptions)[] = ['target', 'preset', 'embeddingSize', 'sharedInit', 'sharedLayer', 'alpha', 'temperature', 'sop', 'dropout', 'seed'];

function nonNegative(v: unknown, key: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`albert.${key} must be a number >= 0, got ${JSON.stringify(v)}`);
  return v;
}

export function resolveAlbertOptions(o: AlbertOptions): ResolvedAlbertOptions {
  const d = ALBERT_DEFAULTS;
  refuseUnknownKeys(o, OPTION_KEYS, 'ALBERT');
  const alpha = o.alpha ?? {};
  if (typeof alpha !== 'object' || alpha === null || Array.isArray(alpha)) throw new Error(`albert.alpha must be an object { mlm, kd, sop }, got ${JSON.stringify(alpha)}`);
  refuseUnknownKeys(alpha, ['mlm', 'kd', 'sop'], 'ALBERT alpha');
  const sharedInit = o.sharedInit ?? d.sharedInit;
  if (sharedInit !== 'layer' && sharedInit !== 'average') throw new Error(`albert.sharedInit must be "layer" or "average", got ${JSON.stringify(o.sharedInit)}`);
  if (o.sop !== undefined && typeof o.sop !== 'boolean') throw new Error(`albert.sop must be true or false (unset: where the corpus has documents), got ${JSON.stringify(o.sop)}`);
  if (o.embeddingSize !== undefined && (typeof o.embeddingSize !== 'number' || !Number.isInteger(o.embeddingSize) || o.embeddingSize < 1)) {
    throw new Error(`albert.embeddingSize must be a positive integer, got ${JSON.stringify(o.embeddingSize)}`);
  }
  if (o.sharedLayer !== undefined && (typeof o.sharedLayer !== 'number' || !Number.isInteger(o.sharedLayer) || o.sharedLayer < 0)) {
    throw new Error(`albert.sharedLayer must be a 0-based teacher layer index, got ${JSON.stringify(o.sharedLayer)}`);
  }
  const resolved: ResolvedAlbertOptions = {
    sharedInit,
    alpha: { mlm: nonNegative(alpha.mlm, 'alpha.mlm', d.alpha.mlm), kd: nonNegative(alpha.kd, 'alpha.kd', d.alpha.kd), sop: nonNegative(alpha.sop, 'alpha.sop', d.alpha.sop) },
    temperature: nonNegative(o.temperature, 'temperature', d.temperature),
    sop: o.sop ?? d.sop,
    dropout: nonNegative(o.dropout, 'dropout', d.dropout),
    seed: o.seed ?? d.seed,
  };
  if (!(resolved.temperature > 0)) throw new Error(`albert.temperature must be > 0, got ${resolved.temperature}`);
  if (resolved.dropout >= 1) throw new Error(`albert.dropout must be < 1, got ${resolved.dropout}`);
  if (!Number.isInteger(resolved.seed)) throw new Error(`albert.seed must be an integer, got ${JSON.stringify(resolved.seed)}`);
  if (resolved.alpha.mlm + resolved.alpha.kd === 0) throw new Error('albert.alpha: at least one loss weight must be > 0');
  return resolved;
}
