// A minimal DistillMethod for loop tests: a tiny BERT student trained on masked-LM alone
// (no teacher), so the loop can be tested before and independently of WID and the baselines.
import * as tf from '@tensorflow/tfjs';
import { bertForward, initBertWeights, maskedLmLoss, mlmHead, type BertConfig } from '../../../src-main/engine/bert/index.js';
import type { DistillMethod, MethodState, MlmBatch } from '../../../src-main/engine/train/method.js';

export const TINY_STUDENT: BertConfig = {
  vocabSize: 64, hiddenSize: 16, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 32,
  maxPositionEmbeddings: 64, typeVocabSize: 2, layerNormEps: 1e-12, hiddenAct: 'gelu',
};

/** Variables are named `<prefix><HF name>`; two live instances need different prefixes. */
export function studentMlmMethod(seed = 1, prefix = 'test-student/', cfg = TINY_STUDENT): DistillMethod & { stepsSeen: number } {
  const init = initBertWeights(cfg, seed, { mlmHead: true });
  const vars: Record<string, tf.Variable> = {};
  for (const [name, t] of Object.entries(init)) {
    vars[name] = tf.variable(t, true, `${prefix}${name}`);
    t.dispose();
  }
  const method = {
    name: 'distilbert' as const,
    stepsSeen: 0,
    trainableVariables: () => Object.values(vars),
    loss(batch: MlmBatch) {
      const out = bertForward(vars, cfg, { inputIds: batch.inputIds, attentionMask: batch.attentionMask, tokenTypeIds: batch.tokenTypeIds });
      const mlm = maskedLmLoss(mlmHead(vars, cfg, out.lastHiddenState), batch.labels);
      return { total: mlm, parts: { mlm } };
    },
    afterStep() {
      method.stepsSeen++;
      return { stepsSeen: method.stepsSeen };
    },
    saveState(): MethodState {
      return { tensors: {}, json: { stepsSeen: method.stepsSeen } };
    },
    loadState(state: MethodState) {
      method.stepsSeen = (state.json as { stepsSeen: number }).stepsSeen;
    },
    exportStudent: () => ({ config: cfg, weights: Object.fromEntries(Object.entries(vars).map(([n, v]) => [n, v.clone()])) }),
    dispose() {
      for (const v of Object.values(vars)) v.dispose();
    },
  };
  return method;
}
