// ALBERT hyper-parameters in camelCase, read from and written to a Hugging Face config.json (model_type "albert").
// ALBERT = BERT with a factorised embedding (vocab × E, then E → H) and layers shared across depth:
// numHiddenLayers applications of numHiddenGroups groups, each group innerGroupNum distinct layers.
import { checkBase, configJson, checkPositiveInts, HfConfigFields, type TransformerConfigBase } from '../bert/hf-config-fields.js';

/** numHiddenLayers is how many times a layer group is applied (depth). */
export interface AlbertConfig extends TransformerConfigBase {
  /** E: width of the embedding tables, projected to hiddenSize by encoder.embedding_hidden_mapping_in. */
  embeddingSize: number;
  /** Distinct layer groups; application i uses group floor(i / (numHiddenLayers / numHiddenGroups)). */
  numHiddenGroups: number;
  /** Distinct layers inside one group, run one after the other at each application. */
  innerGroupNum: number;
}

export type AlbertArchitecture = 'AlbertForMaskedLM' | 'AlbertForSequenceClassification' | 'AlbertModel';

export function albertConfigFromHf(json: unknown): AlbertConfig {
  const f = new HfConfigFields(json, 'albert');
  f.modelType('albert');
  const pet = f.j.position_embedding_type ?? 'absolute';
  if (pet !== 'absolute') {
    throw new Error(`config.json (albert) field "position_embedding_type" must be "absolute" (the only kind we run), got ${JSON.stringify(pet)}`);
  }
  // transformers' AlbertConfig defaults (albert-xxlarge sizes) for the keys a config.json leaves out
  const cfg: AlbertConfig = {
    ...f.base({ vocab_size: 30000, hidden_size: 4096, num_hidden_layers: 12, num_attention_heads: 64, intermediate_size: 16384 }, 'gelu_new'),
    embeddingSize: f.number('embedding_size', 128),
    numHiddenGroups: f.number('num_hidden_groups', 1),
    innerGroupNum: f.number('inner_group_num', 1),
  };
  validateAlbertConfig(cfg);
  return cfg;
}

/** A config.json that transformers' AlbertConfig accepts; unknown keys of `raw` are kept. */
export function albertConfigToHf(cfg: AlbertConfig, architecture: AlbertArchitecture = 'AlbertForMaskedLM'): Record<string, unknown> {
  validateAlbertConfig(cfg);
  return configJson(cfg, 'albert', architecture, {
    attention_probs_dropout_prob: 0,
    hidden_dropout_prob: 0,
    classifier_dropout_prob: 0.1,
    initializer_range: 0.02,
    pad_token_id: 0,
    bos_token_id: 2,
    eos_token_id: 3,
    position_embedding_type: 'absolute',
  }, {
    embedding_size: cfg.embeddingSize,
    num_hidden_groups: cfg.numHiddenGroups,
    inner_group_num: cfg.innerGroupNum,
  });
}

/** Which group application i (0-based) runs, exactly as transformers' AlbertTransformer computes it. */
export function albertGroupOf(cfg: AlbertConfig, application: number): number {
  return Math.floor(application / (cfg.numHiddenLayers / cfg.numHiddenGroups));
}

/** Throws an error naming the first field that is not a usable ALBERT size. */
export function validateAlbertConfig(cfg: AlbertConfig): void {
  checkBase('AlbertConfig', cfg, true);
  checkPositiveInts('AlbertConfig', cfg, ['embeddingSize', 'numHiddenGroups', 'innerGroupNum'], true);
  if (cfg.hiddenSize % cfg.numAttentionHeads !== 0) {
    throw new Error(`AlbertConfig.hiddenSize (config.json "hidden_size" ${cfg.hiddenSize}) must be a multiple of ` +
      `numAttentionHeads ("num_attention_heads" ${cfg.numAttentionHeads}): each head gets hidden_size / heads dimensions`);
  }
  if (cfg.numHiddenGroups > cfg.numHiddenLayers) {
    throw new Error(`AlbertConfig.numHiddenGroups ("num_hidden_groups" ${cfg.numHiddenGroups}) must be at most ` +
      `numHiddenLayers ("num_hidden_layers" ${cfg.numHiddenLayers}): a group that is never applied has no use`);
  }
}
