// The frozen teacher every baseline distils from: a config and HF-named weights (plain tensors, no variables).
import type { BertConfig, BertWeights } from '../../bert/index.js';

export interface Teacher {
  config: BertConfig;
  weights: BertWeights;
}

/** DistilBERT's soft targets and TinyBERT's prediction loss need the teacher's MLM head. */
export function requireMlmHead(teacher: Teacher, method: string): void {
  for (const name of ['cls.predictions.transform.dense.weight', 'cls.predictions.bias']) {
    if (!teacher.weights[name]) {
      throw new Error(`${method}: the teacher has no MLM head (weight "${name}" is missing); register a BertForMaskedLM checkpoint as the teacher`);
    }
  }
}
