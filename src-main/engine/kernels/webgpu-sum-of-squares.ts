// Σ g² of a gradient's rows on webgpu in one dispatch (a workgroup per row of the last axis), for the global
// gradient norm (train/clip.ts): tfjs squares the whole tensor into a new one first, a write and a read of every
// gradient entry and a dispatch per gradient, before its row sums. The row sums then go through one tf.sum, as
// spread-sum.ts does, so the order of additions is that of the rows-first path.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

const WG = 128;
/** The most rows one dispatch takes (the grid's per-dimension limit in WebGPU's defaults). */
export const MAX_ROWS = 65535;

/** x viewed as [rows, C] (C = the last axis) -> [rows] of Σ x². */
class RowSquareSumProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey = 'widRowSquareSum';
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  variableNames = ['x'];
  workgroupSize: [number, number, number] = [WG, 1, 1];
  constructor(rows: number) {
    this.outputShape = [rows];
    this.dispatch = [rows, 1, 1];
  }
  getUserCode(): string {
    return `
      var<workgroup> red : array<f32, ${WG}>;
      fn main(index : i32) {
        let R = uniforms.xShape[0];
        let C = uniforms.xShape[1];
        let row = i32(workgroupId.x);
        let tid = i32(localId.x);
        var s = 0.0;
        if (row < R) { for (var c = tid; c < C; c = c + ${WG}) { let v = x[row * C + c]; s = s + v * v; } }
        red[tid] = s;
        workgroupBarrier();
        for (var k = ${WG / 2}; k > 0; k = k / 2) {
          if (tid < k) { red[tid] = red[tid] + red[tid + k]; }
          workgroupBarrier();
        }
        if (row < R && tid == 0) { result[row] = red[0]; }
      }`;
  }
}

/** Σ g² (rows first) when the active backend is webgpu and the rows fit one dispatch, else null. */
export function rowSquareSums(g: tf.Tensor): tf.Scalar | null {
  if (tf.getBackend() !== 'webgpu' || g.dtype !== 'float32' || g.size === 0) return null;
  const columns = g.rank === 0 ? 1 : g.shape[g.rank - 1];
  const rows = g.size / columns;
  if (rows > MAX_ROWS) return null;
  const backend = tf.backend() as unknown as WebGPUBackend;
  return tf.tidy((): tf.Scalar => {
    const info = backend.runWebGPUProgram(new RowSquareSumProgram(rows), [{ dataId: g.dataId, shape: [rows, columns], dtype: 'float32' }], 'float32');
    const sums = tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor1D;
    return rows === 1 ? tf.reshape(sums, []) : tf.sum(sums);
  });
}
