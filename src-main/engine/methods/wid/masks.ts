// Which teacher dims the student keeps (docs/wid.md §3): one residual index set shared by every layer
// (the alignment that keeps residual additions and LayerNorm valid), per-layer kept heads with the same
// number of kept dims in each head, and per-layer kept FFN dims. Indices are teacher indices, sorted.
import { BertConfig } from '../../bert/index.js';
import type { WidSizes } from '../common/student-size.js';

export interface WidMasks {
  residual: number[];
  /** Per layer: kept teacher heads. */
  heads: number[][];
  /** Per layer, per kept head (same order as heads): kept dims inside that head, all the same length. */
  headDims: number[][][];
  /** Per layer: kept FFN intermediate dims. */
  intermediate: number[][];
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Nothing pruned: the compactor model is the full teacher. */
export function fullMasks(cfg: BertConfig): WidMasks {
  const d = cfg.hiddenSize / cfg.numAttentionHeads;
  const L = cfg.numHiddenLayers;
  return {
    residual: range(cfg.hiddenSize),
    heads: range(L).map(() => range(cfg.numAttentionHeads)),
    headDims: range(L).map(() => range(cfg.numAttentionHeads).map(() => range(d))),
    intermediate: range(L).map(() => range(cfg.intermediateSize)),
  };
}

/** Kept attention inner dims of one layer in teacher coordinates, head-major (student head j = j-th kept head). */
export function attentionIndices(masks: WidMasks, layer: number, teacherHeadDim: number): number[] {
  const out: number[] = [];
  masks.heads[layer].forEach((h, j) => { for (const dim of masks.headDims[layer][j]) out.push(h * teacherHeadDim + dim); });
  return out;
}

/** Student widths the masks describe; throws if the masks cannot form a valid BERT. */
export function sizesOfMasks(masks: WidMasks): WidSizes {
  const hidden = masks.residual.length;
  const heads = masks.heads[0]?.length ?? 0;
  const headDim = masks.headDims[0]?.[0]?.length ?? 0;
  const intermediate = masks.intermediate[0]?.length ?? 0;
  masks.heads.forEach((hs, l) => {
    if (hs.length !== heads) throw new Error(`masks.heads[${l}] keeps ${hs.length} heads, layer 0 keeps ${heads}: every layer must keep the same count`);
    masks.headDims[l].forEach((dims, j) => {
      if (dims.length !== headDim) throw new Error(`masks.headDims[${l}][${j}] keeps ${dims.length} dims, expected ${headDim}`);
    });
    if (masks.intermediate[l].length !== intermediate) throw new Error(`masks.intermediate[${l}] keeps ${masks.intermediate[l].length} dims, layer 0 keeps ${intermediate}`);
  });
  if (heads * headDim !== hidden) throw new Error(`masks keep ${heads} heads x ${headDim} dims = ${heads * headDim}, but ${hidden} residual dims: they must be equal`);
  return { hidden, heads, headDim, intermediate };
}

export function isFull(kept: number[], size: number): boolean {
  return kept.length === size && kept.every((v, i) => v === i);
}

/** Throws naming the first mask entry that is not a valid set of teacher indices for this teacher. */
export function validateMasks(masks: WidMasks, cfg: BertConfig): void {
  const L = cfg.numHiddenLayers, d = cfg.hiddenSize / cfg.numAttentionHeads;
  const sorted = (xs: unknown, size: number, what: string) => {
    if (!Array.isArray(xs) || xs.length === 0) throw new Error(`${what} must be a non-empty array of indices`);
    xs.forEach((x, i) => {
      if (!Number.isInteger(x) || x < 0 || x >= size || (i > 0 && x <= xs[i - 1])) {
        throw new Error(`${what} must hold increasing integers in [0, ${size - 1}]; entry ${i} is ${JSON.stringify(x)}`);
      }
    });
  };
  if (typeof masks !== 'object' || masks === null) throw new Error('masks must be an object');
  sorted(masks.residual, cfg.hiddenSize, 'masks.residual');
  for (const key of ['heads', 'headDims', 'intermediate'] as const) {
    if (!Array.isArray(masks[key]) || masks[key].length !== L) throw new Error(`masks.${key} must have one entry per layer (${L})`);
  }
  for (let l = 0; l < L; l++) {
    sorted(masks.heads[l], cfg.numAttentionHeads, `masks.heads[${l}]`);
    if (!Array.isArray(masks.headDims[l]) || masks.headDims[l].length !== masks.heads[l].length) {
      throw new Error(`masks.headDims[${l}] must have one entry per kept head (${masks.heads[l].length})`);
    }
    masks.headDims[l].forEach((dims, j) => sorted(dims, d, `masks.headDims[${l}][${j}]`));
    sorted(masks.intermediate[l], cfg.intermediateSize, `masks.intermediate[${l}]`);
  }
  sizesOfMasks(masks);
}
