// Sum over the leading axes of a float32 tensor (x [..., C] -> [C]) as one webgpu kernel: the bias and LayerNorm
// gamma/beta gradients of every layer (tf.sum(dy, 0) over [tokens, C]). tfjs-webgpu 4.22 reduces only along the
// innermost axis, so it first transposes [tokens, C] to [C, tokens] (a full read and write) and then reduces each row:
// ~129 such Sums per BERT-base step took 6.8 ms on the H100 (docs/performance.md). Here a workgroup owns 32
// adjacent columns and 8 row lanes: each thread strides down its column (reads coalesced across the 32 columns),
// then the 8 lanes are summed in workgroup memory. One read of x, no transpose. A different summation order from
// tfjs' (values within float rounding of it; checked against the cpu backend). Overrides tfjs' Sum for those
// reductions only; WID_FUSIONS=off or -column-sum uses tfjs' Sum (read at each call).
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

export const COLUMNS_PER_GROUP = 32;
export const ROW_LANES = 8;

export class ColumnSumProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey = 'widColumnSum';
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  variableNames = ['x'];
  workgroupSize: [number, number, number] = [COLUMNS_PER_GROUP * ROW_LANES, 1, 1];

  constructor(columns: number) {
    this.outputShape = [columns];
    this.dispatch = [Math.ceil(columns / COLUMNS_PER_GROUP), 1, 1];
  }

  getUserCode(): string {
    return `
      var<workgroup> part : array<f32, ${COLUMNS_PER_GROUP * ROW_LANES}>;
      fn main(index : i32) {
        let rows = uniforms.xShape[0];
        let cols = uniforms.xShape[1];
        let lx = i32(localId.x) % ${COLUMNS_PER_GROUP};
        let ly = i32(localId.x) / ${COLUMNS_PER_GROUP};
        let col = i32(workgroupId.x) * ${COLUMNS_PER_GROUP} + lx;
        var s = 0.0;
        if (col < cols) {
          for (var r = ly; r < rows; r = r + ${ROW_LANES}) { s = s + x[r * cols + col]; }
        }
        part[ly * ${COLUMNS_PER_GROUP} + lx] = s;
        workgroupBarrier();
        if (ly == 0 && col < cols) {
          var t = part[lx];
          for (var k = 1; k < ${ROW_LANES}; k = k + 1) { t = t + part[k * ${COLUMNS_PER_GROUP} + lx]; }
          result[col] = t;
        }
      }
    `;
  }
}
