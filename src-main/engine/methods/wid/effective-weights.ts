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
/** C[:, idx] transposed, i.e. [kept, in]. */
const colsT = (m: tf.Tensor, idx: tf.Tensor1D | null): tf.Tensor2D => rows(tf.transpose(m), idx);
/** Constant slices (teacher LayerNorm, pooler): no gradient needed. */
const pick = (t: tf.Tensor, idx: tf.Tensor1D | null, axis = 0): tf.Tensor => (idx ? tf.gather(t, idx, axis) : t);

function compactor(c: Compactors, name: string): tf.Variable {
  const v = c[name];
  if (!v) throw new Error(`WID compactor "${name}" is missing`);
  return v;
}

/** R[rowIdx,:] · W · C[:, colIdx] and R[rowIdx,:] · b, optionally scaled. */
function compactLinear(
  teacher: BertWeights, c: Compactors, module: string,
  rowIdx: tf.Tensor1D | null, colIdx: tf.Tensor1D | null, scale = 1,
): { w: tf.Tensor; b: tf.Tensor } {
  const r = rows(compactor(c, `${module}.row`), rowIdx);
  const cT = colsT(compactor(c, `${module}.col`), colIdx);
  let w: tf.Tensor = tf.matMul(tf.matMul(r, weight(teacher, `${module}.weight`) as tf.Tensor2D), cT, false, true);
  let b: tf.Tensor = tf.matMul(r, weight(teacher, `${module}.bias`).reshape([-1, 1]) as tf.Tensor2D).reshape([-1]);
  if (scale !== 1) { w = tf.mul(w, scale); b = tf.mul(b, scale); }
  return { w, b };
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

  for (let l = 0; l < teacherCfg.numHiddenLayers; l++) {
    const p = `bert.encoder.layer.${l}.`;
    const att = idx.attention[l], inter = idx.intermediate[l];
    const put = (module: string, rowIdx: tf.Tensor1D | null, colIdx: tf.Tensor1D | null, scale = 1) => {
      const { w: mw, b } = compactLinear(teacher, c, module, rowIdx, colIdx, scale);
      w[`${module}.weight`] = mw;
      w[`${module}.bias`] = b;
    };
    put(`${p}attention.self.query`, att, res, qScale);
    put(`${p}attention.self.key`, att, res);
    put(`${p}attention.self.value`, att, res);
    put(`${p}attention.output.dense`, res, att);
    put(`${p}intermediate.dense`, inter, res);
    put(`${p}output.dense`, res, inter);
    for (const ln of [`${p}attention.output.LayerNorm`, `${p}output.LayerNorm`]) {
      for (const q of ['weight', 'bias']) w[`${ln}.${q}`] = pick(weight(teacher, `${ln}.${q}`), res);
    }
  }

  const { w: tw, b: tb } = compactLinear(teacher, c, MLM_TRANSFORM, res, res);
  w[`${MLM_TRANSFORM}.weight`] = tw;
  w[`${MLM_TRANSFORM}.bias`] = tb;
  for (const q of ['weight', 'bias']) w[`cls.predictions.transform.LayerNorm.${q}`] = pick(weight(teacher, `cls.predictions.transform.LayerNorm.${q}`), res);
  w['cls.predictions.bias'] = weight(teacher, 'cls.predictions.bias');

  if (teacher['bert.pooler.dense.weight'] && teacher['bert.pooler.dense.bias']) {
    w['bert.pooler.dense.weight'] = pick(pick(teacher['bert.pooler.dense.weight'], res, 0), res, 1);
    w['bert.pooler.dense.bias'] = pick(teacher['bert.pooler.dense.bias'], res);
  }
  return { config, weights: w, ...(opts.factorWords ? { wordProjection: e } : {}) };
}
