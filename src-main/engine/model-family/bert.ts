// BERT as a model family (model-family/types.ts): the functions the engine always used, behind the interface.
import { bertForward, bertParameterShapes, classifierHead, mlmHead, parameterCount, poolerOutput, type BertConfig } from '../bert/index.js';
import { bertForwardFlops } from '../bert/cost.js';
import { saveHfModel } from '../checkpoint/save-family-model.js';
import type { ModelFamilyOps } from './types.js';

const ARCHITECTURE = { mlm: 'BertForMaskedLM', classifier: 'BertForSequenceClassification', base: 'BertModel' } as const;

export const BERT_OPS: ModelFamilyOps<BertConfig> = {
  family: 'bert',
  encode: (w, cfg, inputs, opts = {}) => bertForward(w, cfg, inputs, opts),
  mlmLogits: mlmHead,
  pooled: poolerOutput,
  classify: classifierHead,
  isBaseWeight: (n) => n.startsWith('bert.') && !n.startsWith('bert.pooler.'),
  isPoolerWeight: (n) => n.startsWith('bert.pooler.'),
  poolerShapes: (cfg) => {
    const s = bertParameterShapes(cfg, { pooler: true });
    return Object.fromEntries(Object.entries(s).filter(([n]) => n.startsWith('bert.pooler.')));
  },
  parameterCount: (cfg, heads) => parameterCount(cfg, heads),
  forwardFlops: bertForwardFlops,
  shape: (c) => ({ layers: c.numHiddenLayers, hidden: c.hiddenSize, heads: c.numAttentionHeads, intermediate: c.intermediateSize }),
  save: (dir, m) => saveHfModel(dir, { config: m.config, weights: m.weights, architecture: ARCHITECTURE[m.role], vocabPath: m.vocabPath, vocab: m.vocab, doLowerCase: m.doLowerCase }),
};
