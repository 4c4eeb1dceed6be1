// The model-family interface (types.ts) and its three implementations; familyOps picks one by name.
import type { FamilyConfig, FamilyModel, ModelFamily, ModelFamilyOps } from './types.js';
import { BERT_OPS } from './bert.js';
import { ALBERT_OPS } from './albert.js';
import { MOBILEBERT_OPS } from './mobilebert.js';

export * from './types.js';
export { BERT_OPS, ALBERT_OPS, MOBILEBERT_OPS };

const OPS: Record<ModelFamily, ModelFamilyOps<never>> = { bert: BERT_OPS, albert: ALBERT_OPS, mobilebert: MOBILEBERT_OPS };

/** The family's operations; a model without `family` is BERT. */
export function familyOps(family: ModelFamily | undefined): ModelFamilyOps<FamilyConfig> {
  const ops = OPS[family ?? 'bert'];
  if (!ops) throw new Error(`unknown model family ${JSON.stringify(family)}; supported: ${Object.keys(OPS).join(', ')}`);
  return ops as unknown as ModelFamilyOps<FamilyConfig>;
}

export const opsOf = (m: FamilyModel): ModelFamilyOps<FamilyConfig> => familyOps(m.family);
