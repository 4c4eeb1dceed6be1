// Row lookup whose gradient also works on backends without UnsortedSegmentSum (wasm lacks it,
// and tf.gather's gradient needs it): there the table gradient is scatterND(ids, dy), which sums
// rows of repeated ids (wasm has ScatterNd: 9 ms vs 217 ms for the oneHot(ids)ᵀ · dy matmul at
// 512 tokens × 30522 × 64, identical values), or oneHot(ids)ᵀ · dy where ScatterNd is missing too.
import * as tf from '@tensorflow/tfjs';

const scatterViaOneHot = tf.customGrad(((table: tf.Tensor, ids: tf.Tensor, save: tf.GradSaveFunc) => {
  save([ids]);
  const value = tf.gather(table, ids);
  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
    const rows = table.shape[0];
    if (tf.getKernel('ScatterNd', tf.getBackend())) {
      const n = saved[0].shape[0];
      return [tf.scatterND(saved[0].reshape([n, 1]), dy, table.shape), tf.zerosLike(saved[0])];
    }
    const oneHot = tf.oneHot(saved[0] as tf.Tensor1D, rows);
    // Explicit transpose: tfjs-wasm's matMul with transposeA is 10-20x slower than a plain one
    // (850 ms vs 68 ms for [512x4096]ᵀ·[512x64]).
    return [tf.matMul(tf.transpose(oneHot), dy as tf.Tensor2D), tf.zerosLike(saved[0])];
  };
  return { value, gradFunc };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (table: tf.Tensor, ids: tf.Tensor) => tf.Tensor;

/** table [rows, width], ids int32 [n] -> [n, width]. */
export function embeddingLookup(table: tf.Tensor, ids: tf.Tensor1D): tf.Tensor2D {
  if (tf.getKernel('UnsortedSegmentSum', tf.getBackend())) return tf.gather(table, ids) as tf.Tensor2D;
  return scatterViaOneHot(table, ids) as tf.Tensor2D;
}
