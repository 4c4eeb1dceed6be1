// DistilBERT options: published defaults (Sanh et al. 2019, HF `distillation/train.py`) and their validation.
import { refuseUnknownKeys } from '../common/run-config.js';
import type { StudentPreset, StudentTarget } from '../common/student-size.js';

export interface DistilBertOptions {
  /** Any subset of { layers, hidden, heads, intermediate }; the rest comes from `preset` (default `distilbert`: half depth). */
  target?: Partial<StudentTarget>;
  preset?: StudentPreset;
  /** 0-based teacher layer copied into each student layer; default spreads evenly ([0,2,4,7,9,11] for 12→6). */
  layerMap?: number[];
  /** Loss weights: soft-target CE, masked-LM CE, hidden-state cosine (published 5 / 2 / 1). */
  alpha?: { ce?: number; mlm?: number; cos?: number };
  /** Softmax temperature of the soft-target term (published 2); the term is multiplied by T². */
  temperature?: number;
  /** Positions of the soft-target term: every real token (published default) or only the MLM-masked ones (`--restrict_ce_to_mask`). */
  ceOn?: 'tokens' | 'masked';
  /** Student dropout on hidden states and attention probabilities (BERT's 0.1); 0 = off. */
  dropout?: number;
  /** Seeds the student's dropout masks (mask of step s uses seed + s). */
  seed?: number;
  /** Keep (copy and train) the teacher's token-type embeddings; default false: the reference student has none (zero, frozen table). */
  tokenTypeEmbeddings?: boolean;
}

export interface ResolvedDistilBertOptions {
  alpha: { ce: number; mlm: number; cos: number };
  temperature: number;
  ceOn: 'tokens' | 'masked';
  dropout: number;
  seed: number;
  tokenTypeEmbeddings: boolean;
}

export const DISTILBERT_DEFAULTS: ResolvedDistilBertOptions = {
  alpha: { ce: 5, mlm: 2, cos: 1 }, temperature: 2, ceOn: 'tokens', dropout: 0.1, seed: 0, tokenTypeEmbeddings: false,
};

function nonNegative(v: unknown, key: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`distilbert.${key} must be a number >= 0, got ${JSON.stringify(v)}`);
  return v;
}

const OPTION_KEYS: (keyof DistilBertOptions)[] = ['target', 'preset', 'layerMap', 'alpha', 'temperature', 'ceOn', 'dropout', 'seed', 'tokenTypeEmbeddings'];

export function resolveDistilBertOptions(o: DistilBertOptions): ResolvedDistilBertOptions {
  const d = DISTILBERT_DEFAULTS;
  refuseUnknownKeys(o, OPTION_KEYS, 'DistilBERT');
  const alpha = o.alpha ?? {};
  if (typeof alpha !== 'object' || alpha === null || Array.isArray(alpha)) throw new Error(`distilbert.alpha must be an object { ce, mlm, cos }, got ${JSON.stringify(alpha)}`);
  refuseUnknownKeys(alpha, ['ce', 'mlm', 'cos'], 'DistilBERT alpha');
  const resolved: ResolvedDistilBertOptions = {
    alpha: {
      ce: nonNegative(alpha.ce, 'alpha.ce', d.alpha.ce),
      mlm: nonNegative(alpha.mlm, 'alpha.mlm', d.alpha.mlm),
      cos: nonNegative(alpha.cos, 'alpha.cos', d.alpha.cos),
    },
    temperature: nonNegative(o.temperature, 'temperature', d.temperature),
    ceOn: o.ceOn ?? d.ceOn,
    dropout: nonNegative(o.dropout, 'dropout', d.dropout),
    seed: o.seed ?? d.seed,
    tokenTypeEmbeddings: o.tokenTypeEmbeddings ?? d.tokenTypeEmbeddings,
  };
  if (typeof resolved.tokenTypeEmbeddings !== 'boolean') throw new Error(`distilbert.tokenTypeEmbeddings must be true or false, got ${JSON.stringify(o.tokenTypeEmbeddings)}`);
  if (!(resolved.temperature > 0)) throw new Error(`distilbert.temperature must be > 0, got ${resolved.temperature}`);
  if (resolved.ceOn !== 'tokens' && resolved.ceOn !== 'masked') throw new Error(`distilbert.ceOn must be "tokens" or "masked", got ${JSON.stringify(resolved.ceOn)}`);
  if (resolved.dropout >= 1) throw new Error(`distilbert.dropout must be < 1, got ${resolved.dropout}`);
  if (!Number.isInteger(resolved.seed)) throw new Error(`distilbert.seed must be an integer, got ${JSON.stringify(resolved.seed)}`);
  if (resolved.alpha.ce + resolved.alpha.mlm + resolved.alpha.cos === 0) throw new Error('distilbert.alpha: at least one loss weight must be > 0');
  return resolved;
}
