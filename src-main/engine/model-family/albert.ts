// ALBERT as a model family (model-family/types.ts). Its parameter count holds a shared layer once; its FLOPs run it
// at every application: the compare tables show both, since ALBERT saves parameters, not time.
import {
  albertClassifierHead, albertForward, albertForwardFlops, albertMlmHead, albertParameterCount, albertPoolerOutput, type AlbertConfig,
} from '../albert/index.js';
import { saveFamilyModel } from '../checkpoint/save-family-model.js';
import type { ModelFamilyOps } from './types.js';

const ARCHITECTURE = { mlm: 'AlbertForMaskedLM', classifier: 'AlbertForSequenceClassification', base: 'AlbertModel' } as const;

export const ALBERT_OPS: ModelFamilyOps<AlbertConfig> = {
  family: 'albert',
  encode: (w, cfg, inputs, opts = {}) => albertForward(w, cfg, inputs, opts),
  mlmLogits: albertMlmHead,
  pooled: albertPoolerOutput,
  classify: albertClassifierHead,
  isBaseWeight: (n) => n.startsWith('albert.') && !n.startsWith('albert.pooler.'),
  isPoolerWeight: (n) => n.startsWith('albert.pooler.'),
  poolerShapes: (cfg) => ({ 'albert.pooler.weight': [cfg.hiddenSize, cfg.hiddenSize], 'albert.pooler.bias': [cfg.hiddenSize] }),
  parameterCount: (cfg, heads) => albertParameterCount(cfg, heads),
  forwardFlops: albertForwardFlops,
  // depth = applications of the shared groups (what a forward pass runs), as transformers' num_hidden_layers
  shape: (c) => ({ layers: c.numHiddenLayers, hidden: c.hiddenSize, heads: c.numAttentionHeads, intermediate: c.intermediateSize }),
  save: (dir, m) => saveFamilyModel(dir, { family: 'albert', config: m.config, weights: m.weights, architecture: ARCHITECTURE[m.role], vocabPath: m.vocabPath, vocab: m.vocab, doLowerCase: m.doLowerCase }),
};
