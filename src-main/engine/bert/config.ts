// BERT hyper-parameters in camelCase, converted to and from a Hugging Face config.json.
import { checkBase, configJson, HfConfigFields, type TransformerConfigBase } from './hf-config-fields.js';
export type { HiddenAct, ProblemType } from './hf-config-fields.js';

/** BERT's sizes are exactly the fields every family shares. */
export type BertConfig = TransformerConfigBase;

export function bertConfigFromHf(json: unknown): BertConfig {
  const f = new HfConfigFields(json);
  f.modelType('bert', true);
  const cfg: BertConfig = f.base({}, 'gelu');
  validateBertConfig(cfg);
  return cfg;
}

export type BertArchitecture = 'BertForMaskedLM' | 'BertForSequenceClassification' | 'BertModel';

/** A config.json that transformers' BertConfig accepts; unknown keys of `raw` are kept. */
export function bertConfigToHf(cfg: BertConfig, architecture: BertArchitecture = 'BertForMaskedLM'): Record<string, unknown> {
  validateBertConfig(cfg);
  // keepRawLabels: a model that states no labels keeps those its raw config.json had
  return configJson(cfg, 'bert', architecture, {
    attention_probs_dropout_prob: 0.1,
    hidden_dropout_prob: 0.1,
    initializer_range: 0.02,
    pad_token_id: 0,
    position_embedding_type: 'absolute',
  }, {}, true);
}

/** Throws an error naming the first field that is not a usable BERT size. */
export function validateBertConfig(cfg: BertConfig): void {
  checkBase('BertConfig', cfg);
  if (cfg.hiddenSize % cfg.numAttentionHeads !== 0) {
    throw new Error(`BertConfig.hiddenSize (${cfg.hiddenSize}) must be divisible by numAttentionHeads (${cfg.numAttentionHeads})`);
  }
}
