// Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations in float64 JS: exact to round-off,
// O(n³) per sweep, a few sweeps converge. The full problem for narrow Gram matrices (svd.ts), the l×l Rayleigh–Ritz
// problem of the power iteration (subspace-eigen.ts).

export interface SymmetricEigen {
  /** Eigenvalues in descending order. */
  values: Float64Array;
  /** Column j (vectors[i * n + j], i = 0..n-1) is the unit eigenvector of values[j]. */
  vectors: Float64Array;
}

/** Eigen-decomposition of a symmetric n×n matrix (row-major) by cyclic Jacobi; the input is not changed. */
export function symmetricEigen(matrix: ArrayLike<number>, n: number, opts: { maxSweeps?: number; tolerance?: number } = {}): SymmetricEigen {
  if (matrix.length !== n * n) throw new Error(`symmetricEigen: expected ${n}×${n} = ${n * n} entries, got ${matrix.length}`);
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  const maxSweeps = opts.maxSweeps ?? 60;
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale += a[i] * a[i];
  const tol = (opts.tolerance ?? 1e-22) * Math.max(scale, 1e-300);
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] * a[p * n + q];
    if (off <= tol) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const app = a[p * n + p], aqq = a[q * n + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < n; k++) { // A ← A·J (columns p, q)
          const akp = a[k * n + p], akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) { // A ← Jᵀ·A (rows p, q)
          const apk = a[p * n + k], aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) { // V ← V·J
          const vkp = v[k * n + p], vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[j * n + j] - a[i * n + i]);
  const values = Float64Array.from(order, (i) => a[i * n + i]);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => { for (let k = 0; k < n; k++) vectors[k * n + dst] = v[k * n + src]; });
  return { values, vectors };
}
