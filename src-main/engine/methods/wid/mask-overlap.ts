// How stable the authors' first mask is (issue 23): the same WID trajectory scored at two step counts gives two mask
// sets of equal sizes; this says how many of the dims one masks the other masks too. Per group (residual dims, kept
// heads, attention dims in teacher coordinates, FFN dims, all layers pooled): |masked_a ∩ masked_b| / |masked_b|, and
// what two random choices of the same sizes would share on average (the masked fraction), to read it against.
import type { BertConfig } from '../../bert/index.js';
import { attentionIndices, type WidMasks } from './masks.js';

export interface GroupOverlap {
  /** Dims the group has in the teacher (all layers). */
  total: number;
  /** Dims masked in b (= in a, for masks of equal sizes). */
  masked: number;
  /** |masked_a ∩ masked_b| / |masked_b|; 1 when nothing is masked. */
  maskedOverlap: number;
  /** Expected maskedOverlap of two independent random masks of these sizes: masked / total. */
  chance: number;
}

export interface MaskOverlap { residual: GroupOverlap; heads: GroupOverlap; attention: GroupOverlap; intermediate: GroupOverlap }

function overlap(total: number, keptA: Set<string>, keptB: Set<string>, all: string[]): GroupOverlap {
  const maskedB = all.filter((x) => !keptB.has(x));
  const both = maskedB.filter((x) => !keptA.has(x)).length;
  return { total, masked: maskedB.length, maskedOverlap: maskedB.length ? both / maskedB.length : 1, chance: total ? maskedB.length / total : 0 };
}

export function maskOverlap(cfg: BertConfig, a: WidMasks, b: WidMasks): MaskOverlap {
  const L = cfg.numHiddenLayers, H = cfg.numAttentionHeads, d = cfg.hiddenSize / H;
  const ids = (n: number, layer?: number) => Array.from({ length: n }, (_, i) => (layer === undefined ? `${i}` : `${layer}:${i}`));
  const perLayer = (n: number) => Array.from({ length: L }, (_, l) => ids(n, l)).flat();
  const keyed = (m: WidMasks, f: (m: WidMasks, l: number) => number[]) => new Set(Array.from({ length: L }, (_, l) => f(m, l).map((i) => `${l}:${i}`)).flat());
  return {
    residual: overlap(cfg.hiddenSize, new Set(a.residual.map(String)), new Set(b.residual.map(String)), ids(cfg.hiddenSize)),
    heads: overlap(L * H, keyed(a, (m, l) => m.heads[l]), keyed(b, (m, l) => m.heads[l]), perLayer(H)),
    attention: overlap(L * cfg.hiddenSize, keyed(a, (m, l) => attentionIndices(m, l, d)), keyed(b, (m, l) => attentionIndices(m, l, d)), perLayer(cfg.hiddenSize)),
    intermediate: overlap(L * cfg.intermediateSize, keyed(a, (m, l) => m.intermediate[l]), keyed(b, (m, l) => m.intermediate[l]), perLayer(cfg.intermediateSize)),
  };
}
