// Truncated SVD of an embedding table [V, H] through the eigen-decomposition of its small Gram matrix G = Tᵀ·T
// [H, H] (H ≤ a few thousand, V up to ~10⁵): G = V·Λ·Vᵀ with Λ = Σ², so the rank-k factors are
//   left  = T·V_k  = U_k·Σ_k   [V, k]
//   right = V_k               [H, k]      T ≈ left · rightᵀ (Eckart–Young: the best rank-k approximation).
// The Gram product runs in tfjs; the symmetric eigen-problem in float64 JS, which needs no LAPACK: for a narrow table
// by cyclic Jacobi rotations over all H directions (exact to round-off, O(H³) per sweep), for a wide one (BERT-base's
// 768) only the top k by block power iteration (subspace-eigen.ts, O(H²·k) per iteration).
import * as tf from '@tensorflow/tfjs';
import { symmetricEigen, type SymmetricEigen } from './jacobi.js';
import { topEigen } from './subspace-eigen.js';

export interface TruncatedFactors {
  /** T·V_k = U_k·Σ_k [rows, k] (caller disposes). */
  left: tf.Tensor2D;
  /** V_k [cols, k]: orthonormal columns (caller disposes). */
  right: tf.Tensor2D;
  /** Σ descending (σ_i = sqrt(λ_i)): all of them by Jacobi, the top k by power iteration. */
  singularValues: number[];
  /** ‖table‖²_F = Σ σ_i² over all of them (the Gram matrix's trace), for the share the top k keep. */
  totalEnergy: number;
}

/** Below this width the full Jacobi decomposition is cheap (and exact); above it only the top k are computed. */
export const JACOBI_MAX_WIDTH = 128;

/**
 * Rank-k factors of `table` [rows, cols] with table ≈ left · rightᵀ. `method` 'auto' takes Jacobi up to
 * JACOBI_MAX_WIDTH columns and power iteration above; either may be forced.
 */
export async function truncatedSvd(table: tf.Tensor2D, k: number, method: 'auto' | 'jacobi' | 'power' = 'auto'): Promise<TruncatedFactors> {
  const [, n] = table.shape;
  if (!Number.isInteger(k) || k < 1 || k > n) throw new Error(`truncatedSvd: rank ${k} must be an integer from 1 to the table's width ${n}`);
  const gram = tf.tidy(() => tf.matMul(table, table, true, false));
  let g: Float32Array;
  try {
    // read with await: webgpu in Node has no synchronous reads
    g = (await gram.data()) as Float32Array;
  } finally {
    gram.dispose();
  }
  let totalEnergy = 0;
  for (let i = 0; i < n; i++) totalEnergy += g[i * n + i];
  const power = method === 'power' || (method === 'auto' && n > JACOBI_MAX_WIDTH);
  // both give column j of an n×m row-major block as the j-th eigenvector, m = k (power) or n (Jacobi)
  const eig: SymmetricEigen = power ? topEigen(g, n, k) : symmetricEigen(g, n);
  const m = power ? k : n;
  const rightData = new Float32Array(n * k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) rightData[i * k + j] = eig.vectors[i * m + j];
  const right = tf.tensor2d(rightData, [n, k]);
  const left = tf.tidy(() => tf.matMul(table, right)) as tf.Tensor2D;
  return { left, right, singularValues: Array.from(eig.values, (l) => Math.sqrt(Math.max(0, l))), totalEnergy };
}
