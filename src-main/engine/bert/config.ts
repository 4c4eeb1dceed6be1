// BERT hyper-parameters in camelCase, converted to and from a Hugging Face config.json.
export type HiddenAct = 'gelu' | 'gelu_new' | 'relu';
export type ProblemType = 'single_label_classification' | 'regression';

export interface BertConfig {
  vocabSize: number;
  hiddenSize: number;
  numHiddenLayers: number;
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

const HIDDEN_ACTS: HiddenAct[] = ['gelu', 'gelu_new', 'relu'];

function numberField(json: Record<string, unknown>, key: string, fallback?: number): number {
  const v = json[key];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new Error(`config.json field "${key}" must be a number, got ${JSON.stringify(v)}`);
  }
  return v;
}

export function bertConfigFromHf(json: unknown): BertConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error('config.json must be a JSON object');
  }
  const j = json as Record<string, unknown>;
  if (j.model_type !== undefined && j.model_type !== 'bert') {
    throw new Error(`config.json field "model_type" must be "bert", got ${JSON.stringify(j.model_type)}`);
  }
  const act = (j.hidden_act ?? 'gelu') as string;
  if (!HIDDEN_ACTS.includes(act as HiddenAct)) {
    throw new Error(`config.json field "hidden_act" must be one of ${HIDDEN_ACTS.join(', ')}, got ${JSON.stringify(act)}`);
  }
  let numLabels: number | undefined;
  if (typeof j.num_labels === 'number') numLabels = j.num_labels;
  else if (j.id2label && typeof j.id2label === 'object') numLabels = Object.keys(j.id2label as object).length;
  const pt = j.problem_type;
  if (pt !== undefined && pt !== null && pt !== 'single_label_classification' && pt !== 'regression') {
    throw new Error(`config.json field "problem_type" must be "single_label_classification" or "regression", got ${JSON.stringify(pt)}`);
  }
  const cfg: BertConfig = {
    vocabSize: numberField(j, 'vocab_size'),
    hiddenSize: numberField(j, 'hidden_size'),
    numHiddenLayers: numberField(j, 'num_hidden_layers'),
    numAttentionHeads: numberField(j, 'num_attention_heads'),
    intermediateSize: numberField(j, 'intermediate_size'),
    maxPositionEmbeddings: numberField(j, 'max_position_embeddings', 512),
    typeVocabSize: numberField(j, 'type_vocab_size', 2),
    layerNormEps: numberField(j, 'layer_norm_eps', 1e-12),
    hiddenAct: act as HiddenAct,
    raw: { ...j },
  };
  if (numLabels !== undefined) cfg.numLabels = numLabels;
  if (pt) cfg.problemType = pt as ProblemType;
  validateBertConfig(cfg);
  return cfg;
}

export type BertArchitecture = 'BertForMaskedLM' | 'BertForSequenceClassification' | 'BertModel';

/** A config.json that transformers' BertConfig accepts; unknown keys of `raw` are kept. */
export function bertConfigToHf(cfg: BertConfig, architecture: BertArchitecture = 'BertForMaskedLM'): Record<string, unknown> {
  validateBertConfig(cfg);
  const out: Record<string, unknown> = {
    attention_probs_dropout_prob: 0.1,
    hidden_dropout_prob: 0.1,
    initializer_range: 0.02,
    pad_token_id: 0,
    position_embedding_type: 'absolute',
    ...(cfg.raw ?? {}),
    architectures: [architecture],
    model_type: 'bert',
    vocab_size: cfg.vocabSize,
    hidden_size: cfg.hiddenSize,
    num_hidden_layers: cfg.numHiddenLayers,
    num_attention_heads: cfg.numAttentionHeads,
    intermediate_size: cfg.intermediateSize,
    max_position_embeddings: cfg.maxPositionEmbeddings,
    type_vocab_size: cfg.typeVocabSize,
    layer_norm_eps: cfg.layerNormEps,
    hidden_act: cfg.hiddenAct,
  };
  if (cfg.numLabels !== undefined) {
    out.id2label = Object.fromEntries(Array.from({ length: cfg.numLabels }, (_, i) => [String(i), `LABEL_${i}`]));
    out.label2id = Object.fromEntries(Array.from({ length: cfg.numLabels }, (_, i) => [`LABEL_${i}`, i]));
    delete out.num_labels;
  }
  if (cfg.problemType) out.problem_type = cfg.problemType;
  return out;
}

/** Throws an error naming the first field that is not a usable BERT size. */
export function validateBertConfig(cfg: BertConfig): void {
  const ints: (keyof BertConfig)[] = ['vocabSize', 'hiddenSize', 'numHiddenLayers', 'numAttentionHeads',
    'intermediateSize', 'maxPositionEmbeddings', 'typeVocabSize'];
  for (const key of ints) {
    const v = cfg[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
      throw new Error(`BertConfig.${String(key)} must be a positive integer, got ${JSON.stringify(v)}`);
    }
  }
  if (cfg.hiddenSize % cfg.numAttentionHeads !== 0) {
    throw new Error(`BertConfig.hiddenSize (${cfg.hiddenSize}) must be divisible by numAttentionHeads (${cfg.numAttentionHeads})`);
  }
  if (!(cfg.layerNormEps > 0)) throw new Error(`BertConfig.layerNormEps must be > 0, got ${cfg.layerNormEps}`);
  if (!HIDDEN_ACTS.includes(cfg.hiddenAct)) {
    throw new Error(`BertConfig.hiddenAct must be one of ${HIDDEN_ACTS.join(', ')}, got ${JSON.stringify(cfg.hiddenAct)}`);
  }
  if (cfg.numLabels !== undefined && (!Number.isInteger(cfg.numLabels) || cfg.numLabels <= 0)) {
    throw new Error(`BertConfig.numLabels must be a positive integer, got ${cfg.numLabels}`);
  }
}
