// torch.nn.Linear's x · Wᵀ + b as one op: on webgpu the bias is added where the matmul kernel stores its output
// (webgpu-matmul.ts WidMatMulBias) instead of by an Add kernel over the whole [tokens × out] product (~60 per
// BERT-base step, and the [tokens × vocab] decoder's). The gradients are tfjs' BatchMatMul and Add gradients
// (dy · W, dyᵀ · x, the bias as a column sum), so values equal the unfused ops'. Saves x and W, as the matmul does.
// WID_FUSIONS=off or -matmul-bias: tf.matMul then the add (read at each call).
import * as tf from '@tensorflow/tfjs';
import { fusionsOn } from './fusions.js';

export const MATMUL_BIAS = 'WidMatMulBias'; // a [M, K], b [N, K] (transposeB), bias [N] -> a · bᵀ + bias

export const matMulBiasAvailable = (): boolean => fusionsOn('matmul-bias') && tf.getKernel(MATMUL_BIAS, tf.getBackend()) !== undefined;

/** x [M, K] · wᵀ (w [N, K]) + b [N]. */
export function matMulTransposedBBias(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  const op = tf.customGrad(((a: tf.Tensor2D, wt: tf.Tensor2D, bias: tf.Tensor1D, save: tf.GradSaveFunc) => {
    save([a, wt]);
    return {
      value: tf.engine().runKernel(MATMUL_BIAS, { a, b: wt, bias }, { transposeA: false, transposeB: true }) as tf.Tensor2D,
      gradFunc: (dy: tf.Tensor2D, [sa, sw]: tf.Tensor[]) => [tf.matMul(dy, sw as tf.Tensor2D, false, false), tf.matMul(dy, sa as tf.Tensor2D, true, false), tf.sum(dy, 0)],
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;
  return op(x, w, b);
}
