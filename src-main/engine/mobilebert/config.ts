// MobileBERT hyper-parameters in camelCase, read from and written to a Hugging Face config.json
// (model_type "mobilebert"). Each layer works in a narrow "true hidden" width (intraBottleneckSize when
// useBottleneck) between an input bottleneck H → T and an output bottleneck T → H, with
// numFeedforwardNetworks stacked FFNs; NoNorm (x·γ + β) may replace LayerNorm; the embedding of width E
// sees its two neighbours (trigram input, 3E) before the projection to H.
import type { HiddenAct, ProblemType } from '../bert/config.js';

export type MobileBertNorm = 'no_norm' | 'layer_norm';

export interface MobileBertConfig {
  vocabSize: number;
  embeddingSize: number;
  hiddenSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  intermediateSize: number;
  maxPositionEmbeddings: number;
  typeVocabSize: number;
  layerNormEps: number;
  hiddenAct: HiddenAct;
  trigramInput: boolean;
  useBottleneck: boolean;
  intraBottleneckSize: number;
  /** Queries, keys and values all from the input bottleneck. */
  useBottleneckAttention: boolean;
  /** Queries and keys from their own bottleneck (bottleneck.attention), values from the full-width input. */
  keyQuerySharedBottleneck: boolean;
  numFeedforwardNetworks: number;
  normalizationType: MobileBertNorm;
  /** Pooler is tanh(dense(h[:, 0])) when true, h[:, 0] itself when false. */
  classifierActivation: boolean;
  numLabels?: number;
  problemType?: ProblemType;
  raw?: Record<string, unknown>;
}

export type MobileBertArchitecture = 'MobileBertForMaskedLM' | 'MobileBertForSequenceClassification' | 'MobileBertModel';

const HIDDEN_ACTS: HiddenAct[] = ['gelu', 'gelu_new', 'relu'];

/** T: the width inside a layer (attention, FFNs). */
export const trueHiddenSize = (cfg: MobileBertConfig) => (cfg.useBottleneck ? cfg.intraBottleneckSize : cfg.hiddenSize);

function numberField(j: Record<string, unknown>, key: string, fallback?: number): number {
  const v = j[key];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new Error(`config.json (mobilebert) field "${key}" must be a number, got ${JSON.stringify(v)}`);
  }
  return v;
}

function boolField(j: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const v = j[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new Error(`config.json (mobilebert) field "${key}" must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

export function mobileBertConfigFromHf(json: unknown): MobileBertConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('config.json must be a JSON object');
  const j = json as Record<string, unknown>;
  if (j.model_type !== 'mobilebert') {
    throw new Error(`config.json field "model_type" must be "mobilebert", got ${JSON.stringify(j.model_type)}`);
  }
  // The embedding's input width (E or 3E) and whether the neighbours are concatenated hang on these two; a
  // default guessed wrong would load a checkpoint whose embedding means something else, so they must be stated.
  for (const key of ['trigram_input', 'embedding_size']) {
    if (j[key] === undefined) {
      throw new Error(`config.json (mobilebert) lacks "${key}": MobileBERT's embedding depends on the trigram settings ` +
        `("trigram_input": true concatenates each token's neighbours into a 3 × embedding_size input); ` +
        `add both "trigram_input" and "embedding_size" as the checkpoint was trained (google/mobilebert-uncased: true, 128)`);
    }
  }
  const act = (j.hidden_act ?? 'relu') as string;
  if (!HIDDEN_ACTS.includes(act as HiddenAct)) {
    throw new Error(`config.json (mobilebert) field "hidden_act" must be one of ${HIDDEN_ACTS.join(', ')}, got ${JSON.stringify(act)}`);
  }
  const norm = (j.normalization_type ?? 'no_norm') as string;
  if (norm !== 'no_norm' && norm !== 'layer_norm') {
    throw new Error(`config.json (mobilebert) field "normalization_type" must be "no_norm" or "layer_norm", got ${JSON.stringify(norm)}`);
  }
  const pt = j.problem_type;
  if (pt !== undefined && pt !== null && pt !== 'single_label_classification' && pt !== 'regression') {
    throw new Error(`config.json (mobilebert) field "problem_type" must be "single_label_classification" or "regression", got ${JSON.stringify(pt)}`);
  }
  // transformers' MobileBertConfig defaults (google/mobilebert-uncased) for the keys a config.json leaves out
  const cfg: MobileBertConfig = {
    vocabSize: numberField(j, 'vocab_size', 30522),
    embeddingSize: numberField(j, 'embedding_size'),
    hiddenSize: numberField(j, 'hidden_size', 512),
    numHiddenLayers: numberField(j, 'num_hidden_layers', 24),
    numAttentionHeads: numberField(j, 'num_attention_heads', 4),
    intermediateSize: numberField(j, 'intermediate_size', 512),
    maxPositionEmbeddings: numberField(j, 'max_position_embeddings', 512),
    typeVocabSize: numberField(j, 'type_vocab_size', 2),
    layerNormEps: numberField(j, 'layer_norm_eps', 1e-12),
    hiddenAct: act as HiddenAct,
    trigramInput: boolField(j, 'trigram_input', true),
    useBottleneck: boolField(j, 'use_bottleneck', true),
    intraBottleneckSize: numberField(j, 'intra_bottleneck_size', 128),
    useBottleneckAttention: boolField(j, 'use_bottleneck_attention', false),
    keyQuerySharedBottleneck: boolField(j, 'key_query_shared_bottleneck', true),
    numFeedforwardNetworks: numberField(j, 'num_feedforward_networks', 4),
    normalizationType: norm as MobileBertNorm,
    classifierActivation: boolField(j, 'classifier_activation', true),
    raw: { ...j },
  };
  if (typeof j.num_labels === 'number') cfg.numLabels = j.num_labels;
  else if (j.id2label && typeof j.id2label === 'object') cfg.numLabels = Object.keys(j.id2label as object).length;
  if (pt) cfg.problemType = pt as ProblemType;
  validateMobileBertConfig(cfg);
  return cfg;
}

export function mobileBertConfigToHf(cfg: MobileBertConfig, architecture: MobileBertArchitecture = 'MobileBertForMaskedLM'): Record<string, unknown> {
  validateMobileBertConfig(cfg);
  const out: Record<string, unknown> = {
    attention_probs_dropout_prob: 0.1,
    hidden_dropout_prob: 0,
    initializer_range: 0.02,
    pad_token_id: 0,
    ...(cfg.raw ?? {}),
    architectures: [architecture],
    model_type: 'mobilebert',
    vocab_size: cfg.vocabSize,
    embedding_size: cfg.embeddingSize,
    hidden_size: cfg.hiddenSize,
    num_hidden_layers: cfg.numHiddenLayers,
    num_attention_heads: cfg.numAttentionHeads,
    intermediate_size: cfg.intermediateSize,
    max_position_embeddings: cfg.maxPositionEmbeddings,
    type_vocab_size: cfg.typeVocabSize,
    layer_norm_eps: cfg.layerNormEps,
    hidden_act: cfg.hiddenAct,
    trigram_input: cfg.trigramInput,
    use_bottleneck: cfg.useBottleneck,
    intra_bottleneck_size: cfg.intraBottleneckSize,
    use_bottleneck_attention: cfg.useBottleneckAttention,
    key_query_shared_bottleneck: cfg.keyQuerySharedBottleneck,
    num_feedforward_networks: cfg.numFeedforwardNetworks,
    normalization_type: cfg.normalizationType,
    classifier_activation: cfg.classifierActivation,
  };
  delete out.true_hidden_size; // derived by MobileBertConfig itself
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

/** Throws an error naming the first field that is not a usable MobileBERT size. */
export function validateMobileBertConfig(cfg: MobileBertConfig): void {
  const ints: (keyof MobileBertConfig)[] = ['vocabSize', 'embeddingSize', 'hiddenSize', 'numHiddenLayers', 'numAttentionHeads',
    'intermediateSize', 'maxPositionEmbeddings', 'typeVocabSize', 'intraBottleneckSize', 'numFeedforwardNetworks'];
  for (const key of ints) {
    const v = cfg[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
      throw new Error(`MobileBertConfig.${String(key)} must be a positive integer, got ${JSON.stringify(v)}`);
    }
  }
  const T = trueHiddenSize(cfg);
  if (T % cfg.numAttentionHeads !== 0) {
    throw new Error(`MobileBertConfig: the attention width (${cfg.useBottleneck ? '"intra_bottleneck_size"' : '"hidden_size"'} ${T}) ` +
      `must be a multiple of "num_attention_heads" (${cfg.numAttentionHeads})`);
  }
  if (cfg.embeddingSize >= cfg.hiddenSize) {
    throw new Error(`MobileBertConfig.embeddingSize ("embedding_size" ${cfg.embeddingSize}) must be smaller than hiddenSize ` +
      `("hidden_size" ${cfg.hiddenSize}): the MLM head's extra dense part has hidden_size - embedding_size rows`);
  }
  if (cfg.useBottleneck && !cfg.useBottleneckAttention && !cfg.keyQuerySharedBottleneck && T !== cfg.hiddenSize) {
    throw new Error(`MobileBertConfig: with "use_bottleneck" and neither "use_bottleneck_attention" nor ` +
      `"key_query_shared_bottleneck", queries of width hidden_size (${cfg.hiddenSize}) meet projections of width ` +
      `intra_bottleneck_size (${T}); transformers cannot run that model either`);
  }
  if (!(cfg.layerNormEps > 0)) throw new Error(`MobileBertConfig.layerNormEps must be > 0, got ${cfg.layerNormEps}`);
  if (!HIDDEN_ACTS.includes(cfg.hiddenAct)) {
    throw new Error(`MobileBertConfig.hiddenAct must be one of ${HIDDEN_ACTS.join(', ')}, got ${JSON.stringify(cfg.hiddenAct)}`);
  }
  if (cfg.numLabels !== undefined && (!Number.isInteger(cfg.numLabels) || cfg.numLabels <= 0)) {
    throw new Error(`MobileBertConfig.numLabels must be a positive integer, got ${cfg.numLabels}`);
  }
}
