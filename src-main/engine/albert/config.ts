// ALBERT hyper-parameters in camelCase, read from and written to a Hugging Face config.json (model_type "albert").
// ALBERT = BERT with a factorised embedding (vocab × E, then E → H) and layers shared across depth:
// numHiddenLayers applications of numHiddenGroups groups, each group innerGroupNum distinct layers.
import type { HiddenAct, ProblemType } from '../bert/config.js';

export interface AlbertConfig {
  vocabSize: number;
  /** E: width of the embedding tables, projected to hiddenSize by encoder.embedding_hidden_mapping_in. */
  embeddingSize: number;
  hiddenSize: number;
  /** How many times a layer group is applied (depth). */
  numHiddenLayers: number;
  /** Distinct layer groups; application i uses group floor(i / (numHiddenLayers / numHiddenGroups)). */
  numHiddenGroups: number;
  /** Distinct layers inside one group, run one after the other at each application. */
  innerGroupNum: number;
  numAttentionHeads: number;
  intermediateSize: number;
  maxPositionEmbeddings: number;
  typeVocabSize: number;
  layerNormEps: number;
  hiddenAct: HiddenAct;
  numLabels?: number;
  problemType?: ProblemType;
  /** The original HF json, kept so unknown keys survive a round trip. */
  raw?: Record<string, unknown>;
}

export type AlbertArchitecture = 'AlbertForMaskedLM' | 'AlbertForSequenceClassification' | 'AlbertModel';

const HIDDEN_ACTS: HiddenAct[] = ['gelu', 'gelu_new', 'relu'];

function numberField(j: Record<string, unknown>, key: string, fallback?: number): number {
  const v = j[key];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new Error(`config.json (albert) field "${key}" must be a number, got ${JSON.stringify(v)}`);
  }
  return v;
}

export function albertConfigFromHf(json: unknown): AlbertConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('config.json must be a JSON object');
  const j = json as Record<string, unknown>;
  if (j.model_type !== 'albert') {
    throw new Error(`config.json field "model_type" must be "albert", got ${JSON.stringify(j.model_type)}`);
  }
  const act = (j.hidden_act ?? 'gelu_new') as string;
  if (!HIDDEN_ACTS.includes(act as HiddenAct)) {
    throw new Error(`config.json (albert) field "hidden_act" must be one of ${HIDDEN_ACTS.join(', ')}, got ${JSON.stringify(act)}`);
  }
  const pet = j.position_embedding_type ?? 'absolute';
  if (pet !== 'absolute') {
    throw new Error(`config.json (albert) field "position_embedding_type" must be "absolute" (the only kind we run), got ${JSON.stringify(pet)}`);
  }
  const pt = j.problem_type;
  if (pt !== undefined && pt !== null && pt !== 'single_label_classification' && pt !== 'regression') {
    throw new Error(`config.json (albert) field "problem_type" must be "single_label_classification" or "regression", got ${JSON.stringify(pt)}`);
  }
  // transformers' AlbertConfig defaults (albert-xxlarge sizes) for the keys a config.json leaves out
  const cfg: AlbertConfig = {
    vocabSize: numberField(j, 'vocab_size', 30000),
    embeddingSize: numberField(j, 'embedding_size', 128),
    hiddenSize: numberField(j, 'hidden_size', 4096),
    numHiddenLayers: numberField(j, 'num_hidden_layers', 12),
    numHiddenGroups: numberField(j, 'num_hidden_groups', 1),
    innerGroupNum: numberField(j, 'inner_group_num', 1),
    numAttentionHeads: numberField(j, 'num_attention_heads', 64),
    intermediateSize: numberField(j, 'intermediate_size', 16384),
    maxPositionEmbeddings: numberField(j, 'max_position_embeddings', 512),
    typeVocabSize: numberField(j, 'type_vocab_size', 2),
    layerNormEps: numberField(j, 'layer_norm_eps', 1e-12),
    hiddenAct: act as HiddenAct,
    raw: { ...j },
  };
  if (typeof j.num_labels === 'number') cfg.numLabels = j.num_labels;
  else if (j.id2label && typeof j.id2label === 'object') cfg.numLabels = Object.keys(j.id2label as object).length;
  if (pt) cfg.problemType = pt as ProblemType;
  validateAlbertConfig(cfg);
  return cfg;
}

/** A config.json that transformers' AlbertConfig accepts; unknown keys of `raw` are kept. */
export function albertConfigToHf(cfg: AlbertConfig, architecture: AlbertArchitecture = 'AlbertForMaskedLM'): Record<string, unknown> {
  validateAlbertConfig(cfg);
  const out: Record<string, unknown> = {
    attention_probs_dropout_prob: 0,
    hidden_dropout_prob: 0,
    classifier_dropout_prob: 0.1,
    initializer_range: 0.02,
    pad_token_id: 0,
    bos_token_id: 2,
    eos_token_id: 3,
    position_embedding_type: 'absolute',
    ...(cfg.raw ?? {}),
    architectures: [architecture],
    model_type: 'albert',
    vocab_size: cfg.vocabSize,
    embedding_size: cfg.embeddingSize,
    hidden_size: cfg.hiddenSize,
    num_hidden_layers: cfg.numHiddenLayers,
    num_hidden_groups: cfg.numHiddenGroups,
    inner_group_num: cfg.innerGroupNum,
    num_attention_heads: cfg.numAttentionHeads,
    intermediate_size: cfg.intermediateSize,
    max_position_embeddings: cfg.maxPositionEmbeddings,
    type_vocab_size: cfg.typeVocabSize,
    layer_norm_eps: cfg.layerNormEps,
    hidden_act: cfg.hiddenAct,
  };
  delete out.num_labels;
  delete out.id2label;
  delete out.label2id;
  if (cfg.numLabels !== undefined) {
    out.id2label = Object.fromEntries(Array.from({ length: cfg.numLabels }, (_, i) => [String(i), `LABEL_${i}`]));
    out.label2id = Object.fromEntries(Array.from({ length: cfg.numLabels }, (_, i) => [`LABEL_${i}`, i]));
  }
  if (cfg.problemType) out.problem_type = cfg.problemType;
  return out;
}

/** Which group application i (0-based) runs, exactly as transformers' AlbertTransformer computes it. */
export function albertGroupOf(cfg: AlbertConfig, application: number): number {
  return Math.floor(application / (cfg.numHiddenLayers / cfg.numHiddenGroups));
}

/** Throws an error naming the first field that is not a usable ALBERT size. */
export function validateAlbertConfig(cfg: AlbertConfig): void {
  const ints: (keyof AlbertConfig)[] = ['vocabSize', 'embeddingSize', 'hiddenSize', 'numHiddenLayers', 'numHiddenGroups',
    'innerGroupNum', 'numAttentionHeads', 'intermediateSize', 'maxPositionEmbeddings', 'typeVocabSize'];
  for (const key of ints) {
    const v = cfg[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
      throw new Error(`AlbertConfig.${String(key)} (config.json "${snake(String(key))}") must be a positive integer, got ${JSON.stringify(v)}`);
    }
  }
  if (cfg.hiddenSize % cfg.numAttentionHeads !== 0) {
    throw new Error(`AlbertConfig.hiddenSize (config.json "hidden_size" ${cfg.hiddenSize}) must be a multiple of ` +
      `numAttentionHeads ("num_attention_heads" ${cfg.numAttentionHeads}): each head gets hidden_size / heads dimensions`);
  }
  if (cfg.numHiddenGroups > cfg.numHiddenLayers) {
    throw new Error(`AlbertConfig.numHiddenGroups ("num_hidden_groups" ${cfg.numHiddenGroups}) must be at most ` +
      `numHiddenLayers ("num_hidden_layers" ${cfg.numHiddenLayers}): a group that is never applied has no use`);
  }
  if (!(cfg.layerNormEps > 0)) throw new Error(`AlbertConfig.layerNormEps must be > 0, got ${cfg.layerNormEps}`);
  if (!HIDDEN_ACTS.includes(cfg.hiddenAct)) {
    throw new Error(`AlbertConfig.hiddenAct must be one of ${HIDDEN_ACTS.join(', ')}, got ${JSON.stringify(cfg.hiddenAct)}`);
  }
  if (cfg.numLabels !== undefined && (!Number.isInteger(cfg.numLabels) || cfg.numLabels <= 0)) {
    throw new Error(`AlbertConfig.numLabels must be a positive integer, got ${cfg.numLabels}`);
  }
}

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
