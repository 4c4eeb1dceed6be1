// The top k eigenpairs of a symmetric positive semi-definite n×n matrix (a Gram matrix TᵀT) by block power
// iteration with Rayleigh–Ritz: Q ← orth(G·Q) on l = k + oversampling columns, the small l×l problem QᵀGQ solved by
// Jacobi. Cost per iteration O(n²l) instead of the full Jacobi's O(n³) per sweep over all n directions; at width
// 768 with k ≈ 100 that is seconds instead of minutes. Everything in float64 JS, so the result is the same on every
// backend. Convergence is checked on the residuals ‖G·x_j − θ_j·x_j‖ of the k wanted Ritz pairs.
import { symmetricEigen, type SymmetricEigen } from './jacobi.js';

export interface SubspaceEigenOptions {
  /** Extra columns beyond k: the error shrinks like (λ_{l+1}/λ_k)^iterations. Default max(16, ⌈k/4⌉). */
  oversampling?: number;
  maxIterations?: number;
  /** Iterations between Rayleigh–Ritz checks (each solves an l×l Jacobi problem, the dearest part). Default 5. */
  checkEvery?: number;
  /** Stop when every wanted residual is at most tolerance · λ_1. */
  tolerance?: number;
  seed?: number;
}

export interface TopEigen extends SymmetricEigen {
  /** Number of eigenpairs returned (k): values[0..k), vectors n×k row-major. */
  k: number;
  iterations: number;
  /** Largest wanted residual / λ_1 at the end. */
  residual: number;
}

/** Deterministic uniform numbers in (−1, 1) (mulberry32): the start block does not depend on Math.random. */
function startBlock(n: number, l: number, seed: number): Float64Array {
  let s = seed >>> 0;
  const q = new Float64Array(n * l);
  for (let i = 0; i < q.length; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    q[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return q;
}

// Blocks are column-major (column j at [j·n, (j+1)·n)), so every inner loop below runs over contiguous memory.

/**
 * Orthonormal columns in place by modified Gram–Schmidt. One pass leaves columns of an ill-conditioned block slightly
 * non-orthogonal, which the next iteration's pass repairs; two passes where exact orthonormality matters (Rayleigh–Ritz).
 */
function orthonormalize(q: Float64Array, n: number, l: number, passes = 2): void {
  for (let pass = 0; pass < passes; pass++) {
    for (let j = 0; j < l; j++) {
      const cj = j * n;
      for (let p = 0; p < j; p++) {
        const cp = p * n;
        let dot = 0;
        for (let i = 0; i < n; i++) dot += q[cp + i] * q[cj + i];
        for (let i = 0; i < n; i++) q[cj + i] -= dot * q[cp + i];
      }
      let norm = 0;
      for (let i = 0; i < n; i++) norm += q[cj + i] * q[cj + i];
      norm = Math.sqrt(norm);
      // a column that vanished (G of rank < l) is replaced by a unit vector; the next pass orthogonalises it
      if (norm < 1e-300) { q.fill(0, cj, cj + n); q[cj + (j % n)] = 1; continue; }
      for (let i = 0; i < n; i++) q[cj + i] /= norm;
    }
  }
}

/** G[n×n] (row-major, symmetric) times the l columns of q; four columns per pass over a row of G. */
function multiply(g: ArrayLike<number>, q: Float64Array, n: number, l: number): Float64Array {
  const out = new Float64Array(n * l);
  for (let i = 0; i < n; i++) {
    const gi = i * n;
    let j = 0;
    for (; j + 3 < l; j += 4) {
      const c0 = j * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let p = 0; p < n; p++) {
        const gp = g[gi + p];
        s0 += gp * q[c0 + p]; s1 += gp * q[c1 + p]; s2 += gp * q[c2 + p]; s3 += gp * q[c3 + p];
      }
      out[c0 + i] = s0; out[c1 + i] = s1; out[c2 + i] = s2; out[c3 + i] = s3;
    }
    for (; j < l; j++) {
      const cj = j * n;
      let s = 0;
      for (let p = 0; p < n; p++) s += g[gi + p] * q[cj + p];
      out[cj + i] = s;
    }
  }
  return out;
}

/** The columns of a·w, a with l columns of length n, w l×l row-major. */
function rotate(a: Float64Array, w: Float64Array, n: number, l: number): Float64Array {
  const out = new Float64Array(n * l);
  for (let j = 0; j < l; j++) {
    const cj = j * n;
    for (let p = 0; p < l; p++) {
      const wpj = w[p * l + j];
      if (wpj === 0) continue;
      const cp = p * n;
      for (let i = 0; i < n; i++) out[cj + i] += wpj * a[cp + i];
    }
  }
  return out;
}

export function topEigen(g: ArrayLike<number>, n: number, k: number, opts: SubspaceEigenOptions = {}): TopEigen {
  if (g.length !== n * n) throw new Error(`topEigen: expected ${n}×${n} = ${n * n} entries, got ${g.length}`);
  if (!Number.isInteger(k) || k < 1 || k > n) throw new Error(`topEigen: k = ${k} must be an integer from 1 to ${n}`);
  const l = Math.min(n, k + (opts.oversampling ?? Math.max(16, Math.ceil(k / 4))));
  const maxIterations = opts.maxIterations ?? 500;
  const tolerance = opts.tolerance ?? 1e-4;
  const checkEvery = opts.checkEvery ?? 5;
  let q = startBlock(n, l, opts.seed ?? 1);
  orthonormalize(q, n, l);
  let residual = Infinity;
  for (let it = 1; ; it++) {
    const z = multiply(g, q, n, l); // G·Q
    if ((it + 1) % checkEvery !== 0 && it % checkEvery !== 0 && it < maxIterations && l < n) {
      q = z;
      orthonormalize(q, n, l, 1);
      continue;
    }
    if (it % checkEvery !== 0 && it < maxIterations && l < n) {
      q = z; // the block the next iteration's Rayleigh–Ritz check reads: orthonormal to round-off
      orthonormalize(q, n, l, 2);
      continue;
    }
    // Rayleigh–Ritz: B = Qᵀ·G·Q = W·Θ·Wᵀ; Ritz vectors X = Q·W, G·X = Z·W
    const b = new Float64Array(l * l);
    for (let a = 0; a < l; a++) {
      for (let c = a; c < l; c++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += q[a * n + i] * z[c * n + i];
        b[a * l + c] = s;
      }
    }
    for (let a = 0; a < l; a++) for (let c = a + 1; c < l; c++) { const m = (b[a * l + c] + b[c * l + a]) / 2; b[a * l + c] = m; b[c * l + a] = m; }
    const ritz = symmetricEigen(b, l);
    const x = rotate(q, ritz.vectors, n, l);
    const gx = rotate(z, ritz.vectors, n, l);
    const top = Math.max(Math.abs(ritz.values[0]), 1e-300);
    residual = 0;
    for (let j = 0; j < k; j++) {
      let r = 0;
      for (let i = 0; i < n; i++) { const d = gx[j * n + i] - ritz.values[j] * x[j * n + i]; r += d * d; }
      residual = Math.max(residual, Math.sqrt(r) / top);
    }
    if (residual <= tolerance || it >= maxIterations || l === n) {
      const vectors = new Float64Array(n * k); // row-major n×k, as SymmetricEigen's
      for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) vectors[i * k + j] = x[j * n + i];
      return { values: ritz.values.slice(0, k), vectors, k, iterations: it, residual };
    }
    // next block: G·X in Ritz order, so the wanted directions come first through Gram–Schmidt
    q = gx;
    orthonormalize(q, n, l);
  }
}
