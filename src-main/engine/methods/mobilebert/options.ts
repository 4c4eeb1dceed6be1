// MobileBERT method options (Sun et al. 2020, scaled to the budget) and their validation. Every departure from the
// paper's recipe is one of these options; docs/baselines.md tabulates them.
import { refuseUnknownKeys } from '../common/run-config.js';
import type { StudentPreset, StudentTarget } from '../common/student-size.js';
import type { MobileBertNorm } from '../../mobilebert/config.js';
import type { HiddenAct } from '../../bert/config.js';

export type MobileBertSchedule = 'progressive' | 'joint';

export interface MobileBertOptions {
  /** Any subset of { layers, hidden, heads, intermediate }; the rest from `preset` (default `wid55`). hidden = the inter-block width. */
  target?: Partial<StudentTarget>;
  preset?: StudentPreset;
  /** Width inside each block (attention, FFNs); default hidden / 4 to a multiple of the heads (paper: 512 → 128). */
  intraBottleneckSize?: number;
  /** E of the trigram embedding; default the intra-bottleneck width (paper: 128 = 128). */
  embeddingSize?: number;
  /** FFN width inside a block; default 4 × intra-bottleneck (paper: 512 for 128). The target's `intermediate` is not used. */
  intermediateSize?: number;
  /** Stacked FFNs per block (paper: 4). */
  numFeedforwardNetworks?: number;
  /** 'no_norm' and 'relu' are the paper's operational optimisations (MobileBERT as released). */
  normalizationType?: MobileBertNorm;
  hiddenAct?: HiddenAct;
  /** 0-based teacher layer whose feature map and attention each student layer learns; default uniform round((m+1)·L/M) − 1. */
  layerMap?: number[];
  /** Layer-wise knowledge transfer: one layer at a time with the lower ones frozen ('progressive', default, §3.5) or all at once ('joint'). */
  schedule?: MobileBertSchedule;
  /** Share of the step budget spent on layer-wise transfer before pre-training distillation. */
  transferFraction?: number;
  /** Progressive: lower layers (and embeddings) get no gradient while a layer trains (paper); false lets them keep training. */
  freezeLower?: boolean;
  /** Weights of the transfer terms: feature-map MSE and attention KL(teacher ‖ student). */
  weights?: { featureMap?: number; attention?: number };
  /** Pre-training distillation L = α·MLM + (1 − α)·KD. */
  alpha?: number;
  /** Temperature of the KD term. */
  temperature?: number;
  /** Positions of the KD term: the MLM-masked ones (default) or every real token. */
  kdOn?: 'masked' | 'tokens';
  /** Student dropout on hidden states and attention probabilities (released config: 0 and 0.1). */
  hiddenDropout?: number;
  attentionDropout?: number;
  seed?: number;
}

export interface ResolvedMobileBertOptions {
  schedule: MobileBertSchedule;
  transferFraction: number;
  freezeLower: boolean;
  weights: { featureMap: number; attention: number };
  alpha: number;
  temperature: number;
  kdOn: 'masked' | 'tokens';
  normalizationType: MobileBertNorm;
  hiddenAct: HiddenAct;
  numFeedforwardNetworks: number;
  hiddenDropout: number;
  attentionDropout: number;
  seed: number;
}

// The authors' run (google-research mobilebert/README.md, the run_pretraining.py command): 240,000 layer-wise
// distillation steps then 500,000 pre-training distillation steps (transfer 240k / 740k = 0.32 of the budget);
// hidden_distill_factor 100 and attention_distill_factor 1 (the ratio is what counts under Adam-type updates);
// distill_ground_truth_ratio 0.5 (α) and distill_temperature 1. docs/baselines.md "MobileBERT" cites each.
export const MOBILEBERT_DEFAULTS: ResolvedMobileBertOptions = {
  schedule: 'progressive', transferFraction: 0.32, freezeLower: true, weights: { featureMap: 100, attention: 1 }, alpha: 0.5,
  temperature: 1, kdOn: 'masked', normalizationType: 'no_norm', hiddenAct: 'relu', numFeedforwardNetworks: 4,
  hiddenDropout: 0, attentionDropout: 0.1, seed: 0,
};

const OPTION_KEYS: (keyof MobileBertOptions)[] = ['target', 'preset', 'intraBottleneckSize', 'embeddingSize', 'intermediateSize',
  'numFeedforwardNetworks', 'normalizationType', 'hiddenAct', 'layerMap', 'schedule', 'transferFraction', 'freezeLower', 'weights',
  'alpha', 'temperature', 'kdOn', 'hiddenDropout', 'attentionDropout', 'seed'];

function num(v: unknown, key: string, fallback: number, check: (x: number) => boolean, expected: string): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || !check(v)) throw new Error(`mobilebert.${key} must be ${expected}, got ${JSON.stringify(v)}`);
  return v;
}

export function resolveMobileBertOptions(o: MobileBertOptions): ResolvedMobileBertOptions {
  const d = MOBILEBERT_DEFAULTS;
  refuseUnknownKeys(o, OPTION_KEYS, 'MobileBERT');
  const w = o.weights ?? {};
  if (typeof w !== 'object' || w === null || Array.isArray(w)) throw new Error(`mobilebert.weights must be an object { featureMap, attention }, got ${JSON.stringify(w)}`);
  refuseUnknownKeys(w, ['featureMap', 'attention'], 'MobileBERT weights');
  const oneOf = <T extends string>(v: unknown, key: string, allowed: readonly T[], fallback: T): T => {
    if (v === undefined) return fallback;
    if (!allowed.includes(v as T)) throw new Error(`mobilebert.${key} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(v)}`);
    return v as T;
  };
  for (const key of ['intraBottleneckSize', 'embeddingSize', 'intermediateSize'] as const) {
    if (o[key] !== undefined) num(o[key], key, 0, (x) => Number.isInteger(x) && x >= 1, 'a positive integer');
  }
  if (o.freezeLower !== undefined && typeof o.freezeLower !== 'boolean') throw new Error(`mobilebert.freezeLower must be true or false, got ${JSON.stringify(o.freezeLower)}`);
  const resolved: ResolvedMobileBertOptions = {
    schedule: oneOf(o.schedule, 'schedule', ['progressive', 'joint'] as const, d.schedule),
    transferFraction: num(o.transferFraction, 'transferFraction', d.transferFraction, (x) => x >= 0 && x < 1, 'a number in [0, 1)'),
    freezeLower: o.freezeLower ?? d.freezeLower,
    weights: {
      featureMap: num(w.featureMap, 'weights.featureMap', d.weights.featureMap, (x) => x >= 0, 'a number >= 0'),
      attention: num(w.attention, 'weights.attention', d.weights.attention, (x) => x >= 0, 'a number >= 0'),
    },
    alpha: num(o.alpha, 'alpha', d.alpha, (x) => x >= 0 && x <= 1, 'a number in [0, 1]'),
    temperature: num(o.temperature, 'temperature', d.temperature, (x) => x > 0, 'a number > 0'),
    kdOn: oneOf(o.kdOn, 'kdOn', ['masked', 'tokens'] as const, d.kdOn),
    normalizationType: oneOf(o.normalizationType, 'normalizationType', ['no_norm', 'layer_norm'] as const, d.normalizationType),
    hiddenAct: oneOf(o.hiddenAct, 'hiddenAct', ['relu', 'gelu', 'gelu_new'] as const, d.hiddenAct),
    numFeedforwardNetworks: num(o.numFeedforwardNetworks, 'numFeedforwardNetworks', d.numFeedforwardNetworks, (x) => Number.isInteger(x) && x >= 1, 'a positive integer'),
    hiddenDropout: num(o.hiddenDropout, 'hiddenDropout', d.hiddenDropout, (x) => x >= 0 && x < 1, 'a number in [0, 1)'),
    attentionDropout: num(o.attentionDropout, 'attentionDropout', d.attentionDropout, (x) => x >= 0 && x < 1, 'a number in [0, 1)'),
    seed: o.seed ?? d.seed,
  };
  if (!Number.isInteger(resolved.seed)) throw new Error(`mobilebert.seed must be an integer, got ${JSON.stringify(resolved.seed)}`);
  if (resolved.transferFraction > 0 && resolved.weights.featureMap + resolved.weights.attention === 0) {
    throw new Error('mobilebert.weights: layer-wise transfer needs featureMap or attention > 0 (or transferFraction 0)');
  }
  return resolved;
}
