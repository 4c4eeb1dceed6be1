// How much each still-kept dim matters, per mask group (docs/wid.md §3), so the schedule prunes the
// least important ones. Scores are indexed by position in the CURRENT student (residual position j,
// attention inner position p = head*headDim + dim, FFN position i).
import * as tf from '@tensorflow/tfjs';
import { BertConfig, BertWeights, weight } from '../../bert/index.js';
import { Compactors, EMBEDDING_COMPACTOR, MLM_TRANSFORM } from './compactors.js';
import { WidMasks, attentionIndices } from './masks.js';
import { WID_IMPORTANCE } from '../../../shared/api/method-options.js';

/** 'compactor': the authors' (one compactor's column norms per mask); 'compactor-all': every compactor sharing the mask; 'effective': norms of R·W·C. */
export type ImportanceCriterion = (typeof WID_IMPORTANCE)[number];
export const IMPORTANCE_CRITERIA: readonly ImportanceCriterion[] = WID_IMPORTANCE;

export interface DimScores {
  residual: number[];
  attention: number[][];
  intermediate: number[][];
}

/** The same scores still on the device (webgpu in Node can only read them asynchronously). */
// a type alias (not an interface) so tf.tidy accepts it as a TensorContainer
export type DimScoreTensors = {
  residual: tf.Tensor1D;
  attention: tf.Tensor1D[];
  intermediate: tf.Tensor1D[];
};

type Side = 'rows' | 'cols';

/** Squared L2 norm of each row or column, divided by the matrix's total, so every matrix votes with weight 1. */
function normShares(m: tf.Tensor, side: Side, pick?: number[]): tf.Tensor1D {
  let sq = tf.sum(tf.square(m), side === 'rows' ? 1 : 0);
  if (pick) sq = tf.gather(sq, tf.tensor1d(pick, 'int32'));
  return tf.div(sq, tf.maximum(tf.sum(sq), 1e-30)) as tf.Tensor1D;
}

/** Sums the votes of one mask group (call inside tf.tidy). */
class Votes {
  private parts: tf.Tensor1D[] = [];
  add(t: tf.Tensor1D): void { this.parts.push(t); }
  total(): tf.Tensor1D { return tf.addN(this.parts) as tf.Tensor1D; }
}

/** Reads the scores back without a synchronous read (webgpu in Node has none). */
export async function readScoresAsync(t: DimScoreTensors): Promise<DimScores> {
  const arr = async (x: tf.Tensor1D) => Array.from(await x.data());
  return { residual: await arr(t.residual), attention: await Promise.all(t.attention.map(arr)), intermediate: await Promise.all(t.intermediate.map(arr)) };
}

export function disposeScoreTensors(t: DimScoreTensors): void {
  tf.dispose([t.residual, ...t.attention, ...t.intermediate]);
}

/** 'effective': norms of the student's effective weights (what the compactors and teacher make together). Call inside tf.tidy. */
export function effectiveScores(w: BertWeights, cfg: BertConfig): DimScoreTensors {
  const residual = new Votes();
  const attention: tf.Tensor1D[] = [];
  const intermediate: tf.Tensor1D[] = [];
  const vote = (into: Votes, name: string, side: Side) => into.add(normShares(weight(w, name), side));
  for (const t of ['word_embeddings', 'position_embeddings', 'token_type_embeddings']) vote(residual, `bert.embeddings.${t}.weight`, 'cols');
  for (let l = 0; l < cfg.numHiddenLayers; l++) {
    const p = `bert.encoder.layer.${l}.`;
    const att = new Votes(), inter = new Votes();
    for (const qkv of ['query', 'key', 'value']) {
      vote(residual, `${p}attention.self.${qkv}.weight`, 'cols');
      vote(att, `${p}attention.self.${qkv}.weight`, 'rows');
    }
    vote(att, `${p}attention.output.dense.weight`, 'cols');
    vote(residual, `${p}attention.output.dense.weight`, 'rows');
    vote(inter, `${p}intermediate.dense.weight`, 'rows');
    vote(residual, `${p}intermediate.dense.weight`, 'cols');
    vote(inter, `${p}output.dense.weight`, 'cols');
    vote(residual, `${p}output.dense.weight`, 'rows');
    attention.push(att.total());
    intermediate.push(inter.total());
  }
  vote(residual, `${MLM_TRANSFORM}.weight`, 'cols');
  return { residual: residual.total(), attention, intermediate };
}

/** L2 norm of each column of m (torch.linalg.norm(p, dim=0)), at the teacher dims `pick`. */
function columnNorms(m: tf.Tensor, pick: number[]): tf.Tensor1D {
  return tf.gather(tf.sqrt(tf.sum(tf.square(m), 0)), tf.tensor1d(pick, 'int32')) as tf.Tensor1D;
}

/**
 * 'compactor', the authors' criterion (uer/trainer.py:99-102, 128): column norms of ONE column compactor per
 * mask — layer 0's value compactor for the residual, each layer's attention-output compactor for its heads,
 * each layer's FFN-output compactor for its FFN dims. Scores of the currently kept dims. Call inside tf.tidy.
 */
export function authorsCompactorScores(c: Compactors, teacherCfg: BertConfig, masks: WidMasks): DimScoreTensors {
  const d = teacherCfg.hiddenSize / teacherCfg.numAttentionHeads;
  const p = (l: number) => `bert.encoder.layer.${l}.`;
  return {
    residual: columnNorms(c[`${p(0)}attention.self.value.col`], masks.residual),
    attention: masks.heads.map((_, l) => columnNorms(c[`${p(l)}attention.output.dense.col`], attentionIndices(masks, l, d))),
    intermediate: masks.intermediate.map((kept, l) => columnNorms(c[`${p(l)}output.dense.col`], kept)),
  };
}

/** 'compactor-all' [ours]: normalised squared norms of compactor columns (input side) and rows (output side) of every compactor sharing the mask, at the kept teacher dims. Call inside tf.tidy. */
export function compactorScores(c: Compactors, teacherCfg: BertConfig, masks: WidMasks): DimScoreTensors {
  const d = teacherCfg.hiddenSize / teacherCfg.numAttentionHeads;
  const res = masks.residual;
  const residual = new Votes();
  const attention: tf.Tensor1D[] = [];
  const intermediate: tf.Tensor1D[] = [];
  const vote = (into: Votes, key: string, side: Side, pick: number[]) => into.add(normShares(c[key], side, pick));
  vote(residual, EMBEDDING_COMPACTOR, 'rows', res);
  for (let l = 0; l < teacherCfg.numHiddenLayers; l++) {
    const p = `bert.encoder.layer.${l}.`;
    const attKept = attentionIndices(masks, l, d), interKept = masks.intermediate[l];
    const att = new Votes(), inter = new Votes();
    for (const qkv of ['query', 'key', 'value']) {
      vote(residual, `${p}attention.self.${qkv}.col`, 'cols', res);
      vote(att, `${p}attention.self.${qkv}.row`, 'rows', attKept);
    }
    vote(att, `${p}attention.output.dense.col`, 'cols', attKept);
    vote(residual, `${p}attention.output.dense.row`, 'rows', res);
    vote(inter, `${p}intermediate.dense.row`, 'rows', interKept);
    vote(residual, `${p}intermediate.dense.col`, 'cols', res);
    vote(inter, `${p}output.dense.col`, 'cols', interKept);
    vote(residual, `${p}output.dense.row`, 'rows', res);
    attention.push(att.total());
    intermediate.push(inter.total());
  }
  vote(residual, `${MLM_TRANSFORM}.col`, 'cols', res);
  return { residual: residual.total(), attention, intermediate };
}
