// MobileBERT as a model family (model-family/types.ts).
import {
  mobileBertClassifierHead, mobileBertForward, mobileBertForwardFlops, mobileBertMlmHead, mobileBertParameterCount,
  mobileBertPoolerOutput, type MobileBertConfig,
} from '../mobilebert/index.js';
import { saveFamilyModel } from '../checkpoint/save-family-model.js';
import type { ModelFamilyOps } from './types.js';

const ARCHITECTURE = { mlm: 'MobileBertForMaskedLM', classifier: 'MobileBertForSequenceClassification', base: 'MobileBertModel' } as const;

export const MOBILEBERT_OPS: ModelFamilyOps<MobileBertConfig> = {
  family: 'mobilebert',
  encode: (w, cfg, inputs, opts = {}) => mobileBertForward(w, cfg, inputs, opts),
  mlmLogits: mobileBertMlmHead,
  pooled: mobileBertPoolerOutput,
  classify: mobileBertClassifierHead,
  isBaseWeight: (n) => n.startsWith('mobilebert.') && !n.startsWith('mobilebert.pooler.'),
  isPoolerWeight: (n) => n.startsWith('mobilebert.pooler.'),
  // classifier_activation false: the pooled output is h[:, 0] itself, no tensor
  poolerShapes: (cfg): Record<string, number[]> => (cfg.classifierActivation
    ? { 'mobilebert.pooler.dense.weight': [cfg.hiddenSize, cfg.hiddenSize], 'mobilebert.pooler.dense.bias': [cfg.hiddenSize] } : {}),
  parameterCount: (cfg, heads) => mobileBertParameterCount(cfg, heads),
  forwardFlops: mobileBertForwardFlops,
  // hidden = the inter-block width; attention and FFNs run at intra_bottleneck_size inside each block
  shape: (c) => ({ layers: c.numHiddenLayers, hidden: c.hiddenSize, heads: c.numAttentionHeads, intermediate: c.intermediateSize }),
  save: (dir, m) => saveFamilyModel(dir, { family: 'mobilebert', config: m.config, weights: m.weights, architecture: ARCHITECTURE[m.role], vocabPath: m.vocabPath, vocab: m.vocab, doLowerCase: m.doLowerCase }),
};
