// Before 'auto' may pick the f16 tensor-core matmul, it must compute the right numbers on this device, not just
// compile: a few small products (every transpose combination, a batched one, edges that are not tile multiples)
// against the fp32 kernel on the same inputs. A wrong index map or an unwritten element is off by O(1); f16 input
// rounding is off by at most K·2⁻¹⁰·max|a|·max|b| (two roundings of 2⁻¹¹ per product, summed over K in f32).
import * as tf from '@tensorflow/tfjs';
import { matmulPrecision, setMatmulPrecision, type MatmulPrecision } from './matmul-precision.js';

export interface Case { batch: number; m: number; n: number; k: number; transA: boolean; transB: boolean }

const CASES: Case[] = [
  { batch: 1, m: 70, n: 130, k: 96, transA: false, transB: true },
  { batch: 1, m: 64, n: 48, k: 200, transA: true, transB: false },
  { batch: 1, m: 33, n: 17, k: 45, transA: false, transB: false },
  { batch: 3, m: 40, n: 24, k: 32, transA: true, transB: true },
];

export type Product = (c: Case, a: tf.Tensor3D, b: tf.Tensor3D, p: MatmulPrecision) => Promise<Float32Array>;

function product(c: Case, a: tf.Tensor3D, b: tf.Tensor3D, p: MatmulPrecision): Promise<Float32Array> {
  setMatmulPrecision(p);
  const out = tf.matMul(a, b, c.transA, c.transB);
  return out.data().then((d) => { out.dispose(); return d as Float32Array; });
}

/** Null when the tensor-core products match the fp32 kernel within the f16 bound on every case, else why not. */
export async function tensorCoreSelfCheck(seed = 7, multiply: Product = product): Promise<string | null> {
  const before = matmulPrecision();
  try {
    for (const [i, c] of CASES.entries()) {
      const a = tf.randomUniform(c.transA ? [c.batch, c.k, c.m] : [c.batch, c.m, c.k], -1, 1, 'float32', seed + i) as tf.Tensor3D;
      const b = tf.randomUniform(c.transB ? [c.batch, c.n, c.k] : [c.batch, c.k, c.n], -1, 1, 'float32', seed + 100 + i) as tf.Tensor3D;
      try {
        const tc = await multiply(c, a, b, 'f16-tc');
        const ref = await multiply(c, a, b, 'fp32');
        const bound = c.k * 2 ** -10; // |a|, |b| ≤ 1
        for (let j = 0; j < ref.length; j++) {
          const e = Math.abs(tc[j] - ref[j]);
          if (!(e <= bound)) return `the tensor-core matmul is wrong on this device (${c.batch}×${c.m}×${c.n}×${c.k}, transA ${c.transA}, transB ${c.transB}: element ${j} is ${tc[j]}, fp32 gives ${ref[j]}, bound ${bound.toExponential(2)})`;
        }
      } finally {
        tf.dispose([a, b]);
      }
    }
    return null;
  } finally {
    setMatmulPrecision(before);
  }
}
