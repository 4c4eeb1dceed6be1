// The LayerNorm's γ and β gradients (Σ_rows dy·x̂ and Σ_rows dy) in one pass over dy and x on webgpu, where the
// unfused backward forms x̂ [rows, H] (a write and a read), multiplies it by dy (another [rows, H]) and runs two
// column sums: 7 dispatches and ~7 reads or writes of [rows, H] per LayerNorm, here 3 dispatches and 2 reads. The
// first pass is the column sum's layout (webgpu-column-sum.ts: 32 columns × 8 row lanes per workgroup over a chunk
// of rows), writing partial rows [chunks, 2H] (γ's in the first H columns, β's in the rest); the chunks are then
// summed per half. Another order of additions than the unfused path (values within float rounding).
import type { TensorInfo } from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { COLUMNS_PER_GROUP, ROW_LANES, chunkCoordinates, columnSumChunks, columnSums, laneTotal } from './webgpu-column-sum.js';

/** x, stats [rows, 2] (mean, rstd), dy [rows, H] -> partial sums [chunks, 2H]. */
class ParamGradsPartialProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  variableNames = ['x', 'stats', 'dy'];
  workgroupSize: [number, number, number] = [COLUMNS_PER_GROUP * ROW_LANES, 1, 1];
  private readonly rowsPerChunk: number;

  constructor(rows: number, width: number) {
    const { chunks, rowsPerChunk } = columnSumChunks(rows);
    this.rowsPerChunk = rowsPerChunk;
    this.outputShape = [chunks, 2 * width];
    this.dispatch = [Math.ceil(width / COLUMNS_PER_GROUP), chunks, 1];
    this.shaderKey = `widLayerNormParamGrads_${rowsPerChunk}`;
  }

  getUserCode(): string {
    const n = COLUMNS_PER_GROUP * ROW_LANES;
    return `
      var<workgroup> partG : array<f32, ${n}>;
      var<workgroup> partB : array<f32, ${n}>;
      fn main(index : i32) {
        let rows = uniforms.xShape[0];
        let H = uniforms.xShape[1];${chunkCoordinates(this.rowsPerChunk)}
        var g0 = 0.0; var g1 = 0.0; var b0 = 0.0; var b1 = 0.0;
        if (col < H) {
          var r = first + ly;
          // two rows at a time: independent sums keep two loads of each input in flight
          for (; r + ${ROW_LANES} < end; r = r + ${2 * ROW_LANES}) {
            let d0 = dy[r * H + col];
            let d1 = dy[(r + ${ROW_LANES}) * H + col];
            g0 = g0 + d0 * ((x[r * H + col] - stats[r * 2]) * stats[r * 2 + 1]);
            g1 = g1 + d1 * ((x[(r + ${ROW_LANES}) * H + col] - stats[(r + ${ROW_LANES}) * 2]) * stats[(r + ${ROW_LANES}) * 2 + 1]);
            b0 = b0 + d0;
            b1 = b1 + d1;
          }
          if (r < end) {
            let d = dy[r * H + col];
            g0 = g0 + d * ((x[r * H + col] - stats[r * 2]) * stats[r * 2 + 1]);
            b0 = b0 + d;
          }
        }
        partG[ly * ${COLUMNS_PER_GROUP} + lx] = g0 + g1;
        partB[ly * ${COLUMNS_PER_GROUP} + lx] = b0 + b1;
        workgroupBarrier();
        if (ly == 0 && col < H) {${laneTotal('tg', 'partG')}${laneTotal('tb', 'partB')}
          result[chunk * 2 * H + col] = tg;
          result[chunk * 2 * H + H + col] = tb;
        }
      }
    `;
  }
}

/** [dγ, dβ] of a LayerNorm over x [rows, H] with its stats [rows, 2] and upstream gradient dy [rows, H]. */
export function layerNormParamGrads(backend: WebGPUBackend, x: TensorInfo, stats: TensorInfo, dy: TensorInfo): [TensorInfo, TensorInfo] {
  const [rows, width] = x.shape;
  const partial = backend.runWebGPUProgram(new ParamGradsPartialProgram(rows, width), [x, stats, dy], 'float32');
  try {
    return [columnSums(backend, partial, 0, width), columnSums(backend, partial, width, width)];
  } finally {
    backend.disposeData(partial.dataId);
  }
}
