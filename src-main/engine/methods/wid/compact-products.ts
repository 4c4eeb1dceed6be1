// The compactor products of every compressed linear map, R[rows,:] · W · C[:, cols] and R[rows,:] · b
// (docs/wid.md §4 and "How a step forms the effective weights"), formed inside the gradient tape each step.
//
// Batched (default): the products of the same shape are stacked and formed by one batched matmul each, e.g.
// Q/K/V/O of every layer plus the MLM transform at teacher width as [4L+1, H, H] × [4L+1, H, H]; FFN in and out
// per layer as [L, I, I] × [L, I, H] and [L, H, H] × [L, H, I]. On a GPU a [512, 512] × [512, 512] product alone
// is 16-64 workgroups (a fraction of the SMs); stacked, the same FLOPs run as one dispatch that fills the device.
// Where no column of C is dropped (the authors' schedule, always), C is the matmul's B as stored (no transpose).
//
// Env (read at each call, so one process can time both): WID_BATCHED_COMPACTORS=off forms each linear map's
// products on their own (the path before batching); =square batches only the H x H maps (attention, transform),
// not the FFN ones. WID_COMPACTOR_TRANSPOSE=on transposes C every step as before (per-linear path only).
import * as tf from '@tensorflow/tfjs';
import { embeddingLookup } from '../../bert/embedding-lookup.js';

export type BatchedCompactors = 'on' | 'square' | 'off';

export function batchedCompactorsMode(env: NodeJS.ProcessEnv = process.env): BatchedCompactors {
  const v = env.WID_BATCHED_COMPACTORS ?? 'on';
  if (v !== 'on' && v !== 'square' && v !== 'off') throw new Error(`WID_BATCHED_COMPACTORS must be on, square or off, got "${v}"`);
  return v;
}

const transposeEveryStep = (env: NodeJS.ProcessEnv = process.env) => env.WID_COMPACTOR_TRANSPOSE === 'on';

/** One compressed linear map: its compactors, teacher weight [out, in] and bias [out], the kept rows/columns, a scale. */
export interface CompactLinear {
  row: tf.Tensor2D; col: tf.Tensor2D; weight: tf.Tensor2D; bias: tf.Tensor1D;
  rowIdx: tf.Tensor1D | null; colIdx: tf.Tensor1D | null; scale: number;
}

// Row lookup whose gradient also works on wasm (no UnsortedSegmentSum there).
const rows = (m: tf.Tensor, idx: tf.Tensor1D | null): tf.Tensor2D => (idx ? embeddingLookup(m, idx) : m) as tf.Tensor2D;

/**
 * The right-hand factor of W·C[:, cols]: C itself (matmul B as stored) where every column is kept, else C[:, cols]ᵀ
 * ([kept, in], rows looked up from Cᵀ) used transposed. With WID_COMPACTOR_TRANSPOSE=on always the latter (the old path).
 */
function rightFactor(col: tf.Tensor2D, colIdx: tf.Tensor1D | null, forceTranspose: boolean): { c: tf.Tensor2D; transB: boolean } {
  if (!colIdx && !forceTranspose) return { c: col, transB: false };
  return { c: rows(tf.transpose(col), colIdx), transB: true };
}

function scaled(t: tf.Tensor, scale: number): tf.Tensor { return scale === 1 ? t : tf.mul(t, scale); }

/** One linear map's products on their own, from its looked-up row compactor `r` and right factor `c`. */
function single(l: CompactLinear, r: tf.Tensor2D, c: tf.Tensor2D, transB: boolean): { w: tf.Tensor; b: tf.Tensor } {
  const w = tf.matMul(tf.matMul(r, l.weight), c, false, transB);
  const b = tf.matMul(r, l.bias.reshape([-1, 1]) as tf.Tensor2D).reshape([-1]);
  return { w: scaled(w, l.scale), b: scaled(b, l.scale) };
}

/**
 * Effective weight and bias of every linear map, same order as `linears`. Products of the same shape are batched
 * unless the env says otherwise (see the file's header); the values are those of the per-linear path up to float
 * rounding (test/wid/batched-compactors.test.ts).
 */
export function compactProducts(linears: CompactLinear[], env: NodeJS.ProcessEnv = process.env): { w: tf.Tensor; b: tf.Tensor }[] {
  const mode = batchedCompactorsMode(env);
  const parts = linears.map((l) => ({ r: rows(l.row, l.rowIdx), ...rightFactor(l.col, l.colIdx, mode === 'off' && transposeEveryStep(env)) }));
  if (mode === 'off') return linears.map((l, i) => single(l, parts[i].r, parts[i].c, parts[i].transB));
  const out: { w: tf.Tensor; b: tf.Tensor }[] = new Array(linears.length);
  // group by the shapes of the three factors and whether C is used transposed
  const groups = new Map<string, number[]>();
  parts.forEach((p, i) => {
    const key = `${p.r.shape}|${linears[i].weight.shape}|${p.c.shape}|${p.transB}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  for (const members of groups.values()) {
    const [o, n] = linears[members[0]].weight.shape;
    const batch = members.length > 1 && (mode === 'on' || o === n);
    if (!batch) {
      for (const i of members) out[i] = single(linears[i], parts[i].r, parts[i].c, parts[i].transB);
      continue;
    }
    const R = tf.stack(members.map((i) => parts[i].r)) as tf.Tensor3D;
    const W = tf.stack(members.map((i) => linears[i].weight)) as tf.Tensor3D;
    const C = tf.stack(members.map((i) => parts[i].c)) as tf.Tensor3D;
    const B = tf.stack(members.map((i) => linears[i].bias.reshape([-1, 1]))) as tf.Tensor3D;
    const ws = tf.unstack(tf.matMul(tf.matMul(R, W), C, false, parts[members[0]].transB));
    const bs = tf.unstack(tf.matMul(R, B).reshape([members.length, -1]));
    members.forEach((i, g) => { out[i] = { w: scaled(ws[g], linears[i].scale), b: scaled(bs[g], linears[i].scale) }; });
  }
  return out;
}
