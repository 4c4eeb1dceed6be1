// MobileBERT hyper-parameters in camelCase, read from and written to a Hugging Face config.json
// (model_type "mobilebert"). Each layer works in a narrow "true hidden" width (intraBottleneckSize when
// useBottleneck) between an input bottleneck H → T and an output bottleneck T → H, with
// numFeedforwardNetworks stacked FFNs; NoNorm (x·γ + β) may replace LayerNorm; the embedding of width E
// sees its two neighbours (trigram input, 3E) before the projection to H.
import { checkBase, configJson, checkPositiveInts, HfConfigFields, type TransformerConfigBase } from '../bert/hf-config-fields.js';

export type MobileBertNorm = 'no_norm' | 'layer_norm';

export interface MobileBertConfig extends TransformerConfigBase {
  embeddingSize: number;
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
}

export type MobileBertArchitecture = 'MobileBertForMaskedLM' | 'MobileBertForSequenceClassification' | 'MobileBertModel';

/** T: the width inside a layer (attention, FFNs). */
export const trueHiddenSize = (cfg: MobileBertConfig) => (cfg.useBottleneck ? cfg.intraBottleneckSize : cfg.hiddenSize);

export function mobileBertConfigFromHf(json: unknown): MobileBertConfig {
  const f = new HfConfigFields(json, 'mobilebert');
  f.modelType('mobilebert');
  const j = f.j;
  // The embedding's input width (E or 3E) and whether the neighbours are concatenated hang on these two; a
  // default guessed wrong would load a checkpoint whose embedding means something else, so they must be stated.
  for (const key of ['trigram_input', 'embedding_size']) {
    if (j[key] === undefined) {
      throw new Error(`config.json (mobilebert) lacks "${key}": MobileBERT's embedding depends on the trigram settings ` +
        `("trigram_input": true concatenates each token's neighbours into a 3 × embedding_size input); ` +
        `add both "trigram_input" and "embedding_size" as the checkpoint was trained (google/mobilebert-uncased: true, 128)`);
    }
  }
  const norm = (j.normalization_type ?? 'no_norm') as string;
  if (norm !== 'no_norm' && norm !== 'layer_norm') {
    throw new Error(`config.json (mobilebert) field "normalization_type" must be "no_norm" or "layer_norm", got ${JSON.stringify(norm)}`);
  }
  // transformers' MobileBertConfig defaults (google/mobilebert-uncased) for the keys a config.json leaves out
  const cfg: MobileBertConfig = {
    ...f.base({ vocab_size: 30522, hidden_size: 512, num_hidden_layers: 24, num_attention_heads: 4, intermediate_size: 512 }, 'relu'),
    embeddingSize: f.number('embedding_size'),
    trigramInput: f.bool('trigram_input', true),
    useBottleneck: f.bool('use_bottleneck', true),
    intraBottleneckSize: f.number('intra_bottleneck_size', 128),
    useBottleneckAttention: f.bool('use_bottleneck_attention', false),
    keyQuerySharedBottleneck: f.bool('key_query_shared_bottleneck', true),
    numFeedforwardNetworks: f.number('num_feedforward_networks', 4),
    normalizationType: norm as MobileBertNorm,
    classifierActivation: f.bool('classifier_activation', true),
  };
  validateMobileBertConfig(cfg);
  return cfg;
}

export function mobileBertConfigToHf(cfg: MobileBertConfig, architecture: MobileBertArchitecture = 'MobileBertForMaskedLM'): Record<string, unknown> {
  validateMobileBertConfig(cfg);
  const out = configJson(cfg, 'mobilebert', architecture, {
    attention_probs_dropout_prob: 0.1,
    hidden_dropout_prob: 0,
    initializer_range: 0.02,
    pad_token_id: 0,
  }, {
    embedding_size: cfg.embeddingSize,
    trigram_input: cfg.trigramInput,
    use_bottleneck: cfg.useBottleneck,
    intra_bottleneck_size: cfg.intraBottleneckSize,
    use_bottleneck_attention: cfg.useBottleneckAttention,
    key_query_shared_bottleneck: cfg.keyQuerySharedBottleneck,
    num_feedforward_networks: cfg.numFeedforwardNetworks,
    normalization_type: cfg.normalizationType,
    classifier_activation: cfg.classifierActivation,
  });
  delete out.true_hidden_size; // derived by MobileBertConfig itself
  return out;
}

/** Throws an error naming the first field that is not a usable MobileBERT size. */
export function validateMobileBertConfig(cfg: MobileBertConfig): void {
  checkBase('MobileBertConfig', cfg);
  checkPositiveInts('MobileBertConfig', cfg, ['embeddingSize', 'intraBottleneckSize', 'numFeedforwardNetworks']);
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
}
