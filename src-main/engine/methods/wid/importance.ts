// How much each still-kept dim matters, per mask group (docs/wid.md §3), so the schedule prunes the
// least important ones. Scores are indexed by position in the CURRENT student (residual position j,
// attention inner position p = head*headDim + dim, FFN position i).
import * as tf from '@tensorflow/tfjs';
import { BertConfig, BertWeights, weight } from '../../bert/index.js';
import { Compactors, EMBEDDING_COMPACTOR, MLM_TRANSFORM } from './compactors.js';
import { WidMasks, attentionIndices } from './masks.js';

export type ImportanceCriterion = 'effective' | 'compactor';

export interface DimScores {
  residual: number[];
  attention: number[][];
  intermediate: number[][];
}

type Side = 'rows' | 'cols';

/** Squared L2 norm of each row or column, divided by the matrix's total, so every matrix votes with weight 1. */
function normShares(m: tf.Tensor, side: Side, pick?: number[]): Float32Array {
  return tf.tidy(() => {
    let sq = tf.sum(tf.square(m), side === 'rows' ? 1 : 0);
    if (pick) sq = tf.gather(sq, tf.tensor1d(pick, 'int32'));
    return tf.div(sq, tf.maximum(tf.sum(sq), 1e-30)).dataSync() as Float32Array;
  });
}

function accumulate(into: number[], shares: Float32Array): void {
  for (let i = 0; i < into.length; i++) into[i] += shares[i];
}

/** 'effective': norms of the student's effective weights (what the compactors and teacher make together). */
export function effectiveScores(w: BertWeights, cfg: BertConfig): DimScores {
  const H = cfg.hiddenSize, I = cfg.intermediateSize;
  const residual = new Array<number>(H).fill(0);
  const attention: number[][] = [];
  const intermediate: number[][] = [];
  const vote = (into: number[], name: string, side: Side) => accumulate(into, normShares(weight(w, name), side));
  for (const t of ['word_embeddings', 'position_embeddings', 'token_type_embeddings']) vote(residual, `bert.embeddings.${t}.weight`, 'cols');
  for (let l = 0; l < cfg.numHiddenLayers; l++) {
    const p = `bert.encoder.layer.${l}.`;
    const att = new Array<number>(H).fill(0), inter = new Array<number>(I).fill(0);
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
    attention.push(att);
    intermediate.push(inter);
  }
  vote(residual, `${MLM_TRANSFORM}.weight`, 'cols');
  return { residual, attention, intermediate };
}

/** 'compactor': the authors' criterion — norms of compactor columns (input side) and rows (output side) at the kept teacher dims. */
export function compactorScores(c: Compactors, teacherCfg: BertConfig, masks: WidMasks): DimScores {
  const d = teacherCfg.hiddenSize / teacherCfg.numAttentionHeads;
  const res = masks.residual;
  const residual = new Array<number>(res.length).fill(0);
  const attention: number[][] = [];
  const intermediate: number[][] = [];
  const vote = (into: number[], key: string, side: Side, pick: number[]) => accumulate(into, normShares(c[key], side, pick));
  vote(residual, EMBEDDING_COMPACTOR, 'rows', res);
  for (let l = 0; l < teacherCfg.numHiddenLayers; l++) {
    const p = `bert.encoder.layer.${l}.`;
    const attKept = attentionIndices(masks, l, d), interKept = masks.intermediate[l];
    const att = new Array<number>(attKept.length).fill(0), inter = new Array<number>(interKept.length).fill(0);
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
    attention.push(att);
    intermediate.push(inter);
  }
  vote(residual, `${MLM_TRANSFORM}.col`, 'cols', res);
  return { residual, attention, intermediate };
}
