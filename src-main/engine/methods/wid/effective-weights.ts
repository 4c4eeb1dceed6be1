// The compactor model's weights: R[kept_out, :] · W · C[:, kept_in] for every compressed linear map,
// embeddings · Eᵀ on the kept residual columns, LayerNorm/pooler sliced by the residual mask
// (docs/wid.md §4). Differentiable in the compactors, so it runs inside the gradient tape every step;
// the merge evaluates the same function once. The result is a standard HF-named record for the
// student config, so the engine's ordinary bertForward runs it.
import * as tf from '@tensorflow/tfjs';
import { BertConfig, BertWeights, weight } from '../../bert/index.js';
import { embeddingLookup } from '../../bert/embedding-lookup.js';
import { Compactors, EMBEDDING_COMPACTOR, MLM_TRANSFORM } from './compactors.js';
import { WidMasks, attentionIndices, isFull, sizesOfMasks } from './masks.js';
import { studentConfig } from '../common/student-size.js';
import { compactProducts, type CompactLinear } from './compact-products.js';

/** Kept indices as int32 tensors; null where nothing is pruned (skip the lookup). */
export interface MaskIndexTensors {
  residual: tf.Tensor1D | null;
  attention: (tf.Tensor1D | null)[];
  intermediate: (tf.Tensor1D | null)[];
}

export function maskIndexTensors(cfg: BertConfig, masks: WidMasks): MaskIndexTensors {
  const d = cfg.hiddenSize / cfg.numAttentionHeads;
  const idx = (kept: number[], size: number) => (isFull(kept, size) ? null : tf.tensor1d(kept, 'int32'));
  return {
    residual: idx(masks.residual, cfg.hiddenSize),
    attention: masks.heads.map((_, l) => idx(attentionIndices(masks, l, d), cfg.hiddenSize)),
    intermediate: masks.intermediate.map((kept) => idx(kept, cfg.intermediateSize)),
  };
}

export function disposeMaskIndexTensors(t: MaskIndexTensors): void {
  for (const x of [t.residual, ...t.attention, ...t.intermediate]) x?.dispose();
}

// Row lookup whose gradient also works on wasm (no UnsortedSegmentSum there).
const rows = (m: tf.Tensor, idx: tf.Tensor1D | null): tf.Tensor2D => (idx ? embeddingLookup(m, idx) : m) as tf.Tensor2D;
/** Constant slices (teacher LayerNorm, pooler): no gradient needed. */
const pick = (t: tf.Tensor, idx: tf.Tensor1D | null, axis = 0): tf.Tensor => (idx ? tf.gather(t, idx, axis) : t);

function compactor(c: Compactors, name: string): tf.Variable {
  const v = c[name];
  if (!v) throw new Error(`WID compactor "${name}" is missing`);
  return v;
}

/** The factors of R[rowIdx,:] · W · C[:, colIdx] and R[rowIdx,:] · b, optionally scaled (formed by compact-products.ts). */
function compactLinear(
  teacher: BertWeights, c: Compactors, module: string,
  rowIdx: tf.Tensor1D | null, colIdx: tf.Tensor1D | null, scale = 1,
): CompactLinear {
  return {
    row: compactor(c, `${module}.row`) as tf.Tensor as tf.Tensor2D, col: compactor(c, `${module}.col`) as tf.Tensor as tf.Tensor2D,
    weight: weight(teacher, `${module}.weight`) as tf.Tensor2D, bias: weight(teacher, `${module}.bias`) as tf.Tensor1D,
    rowIdx, colIdx, scale,
  };
}

export interface EffectiveModel {
  config: BertConfig; weights: BertWeights;
  /** With `factorWords`: the residual compactor rows [hs, H]; `weights` then hold the teacher's word table (bert/forward.ts wordProjection). */
  wordProjection?: tf.Tensor2D;
}

/**
 * The compactor model as a dense BERT of the masks' widths. The MLM decoder stays tied to the (effective)
 * word embeddings; pooler.* is sliced when the teacher has it; classifier.* is not carried over.
 */
export function effectiveWeights(
  teacher: BertWeights, teacherCfg: BertConfig, c: Compactors, masks: WidMasks, idx: MaskIndexTensors,
  opts: { factorWords?: boolean } = {},
): EffectiveModel {
  const sizes = sizesOfMasks(masks);
  const config = studentConfig(teacherCfg, sizes);
  const teacherHeadDim = teacherCfg.hiddenSize / teacherCfg.numAttentionHeads;
  // HF scales scores by 1/sqrt(headDim); fold the change of head size into Q so the function is unchanged.
  const qScale = Math.sqrt(sizes.headDim / teacherHeadDim);
  const res = idx.residual;
  const w: BertWeights = {};

  const e = rows(compactor(c, EMBEDDING_COMPACTOR), res); // [hs, H]
  for (const table of ['word_embeddings', 'position_embeddings', 'token_type_embeddings']) {
    const name = `bert.embeddings.${table}.weight`;
    // factorWords: the [vocab, H] word table times eᵀ is applied per looked-up row and in the decoder instead
    w[name] = opts.factorWords && table === 'word_embeddings' ? weight(teacher, name) : tf.matMul(weight(teacher, name) as tf.Tensor2D, e, false, true);
  }
  for (const p of ['weight', 'bias']) w[`bert.embeddings.LayerNorm.${p}`] = pick(weight(teacher, `bert.embeddings.LayerNorm.${p}`), res);

  // every compressed linear map's factors first, then their products together (batched by shape:
  // compact-products.ts), then the record in the usual order
  const linears: [string, CompactLinear][] = [];
  const put = (module: string, rowIdx: tf.Tensor1D | null, colIdx: tf.Tensor1D | null, scale = 1) =>
    linears.push([module, compactLinear(teacher, c, module, rowIdx, colIdx, scale)]);
  for (let l = 0; l < teacherCfg.numHiddenLayers; l++) {
    const p = `bert.encoder.layer.${l}.`;
    const att = idx.attention[l], inter = idx.intermediate[l];
    put(`${p}attention.self.query`, att, res, qScale);
    put(`${p}attention.self.key`, att, res);
    put(`${p}attention.self.value`, att, res);
    put(`${p}attention.output.dense`, res, att);
    put(`${p}intermediate.dense`, inter, res);
    put(`${p}output.dense`, res, inter);
  }
  put(MLM_TRANSFORM, res, res);
  const products = compactProducts(linears.map(([, l]) => l));
  const formed = new Map(linears.map(([module], i) => [module, products[i]]));
  const take = (module: string) => {
    const { w: mw, b } = formed.get(module)!;
    w[`${module}.weight`] = mw;
    w[`${module}.bias`] = b;
  };
  for (let l = 0; l < teacherCfg.numHiddenLayers; l++) {
    const p = `bert.encoder.layer.${l}.`;
    for (const m of ['attention.self.query', 'attention.self.key', 'attention.self.value', 'attention.output.dense', 'intermediate.dense', 'output.dense']) take(`${p}${m}`);
    for (const ln of [`${p}attention.output.LayerNorm`, `${p}output.LayerNorm`]) {
      for (const q of ['weight', 'bias']) w[`${ln}.${q}`] = pick(weight(teacher, `${ln}.${q}`), res);
    }
  }
  take(MLM_TRANSFORM);
  for (const q of ['weight', 'bias']) w[`cls.predictions.transform.LayerNorm.${q}`] = pick(weight(teacher, `cls.predictions.transform.LayerNorm.${q}`), res);
  w['cls.predictions.bias'] = weight(teacher, 'cls.predictions.bias');

  if (teacher['bert.pooler.dense.weight'] && teacher['bert.pooler.dense.bias']) {
    w['bert.pooler.dense.weight'] = pick(pick(teacher['bert.pooler.dense.weight'], res, 0), res, 1);
    w['bert.pooler.dense.bias'] = pick(teacher['bert.pooler.dense.bias'], res);
  }
  return { config, weights: w, ...(opts.factorWords ? { wordProjection: e } : {}) };
}
