// Sum over the leading axes of a float32 tensor (x [..., C] -> [C]) as webgpu kernels: the bias and LayerNorm
// gamma/beta gradients of every layer (tf.sum(dy, 0) over [tokens, C]). tfjs-webgpu 4.22 reduces only along the
// innermost axis, so it first transposes [tokens, C] to [C, tokens] (a full read and write) and then reduces each row.
// Here a workgroup owns 32 adjacent columns and 8 row lanes over one chunk of rows: each thread strides down its
// column inside the chunk (reads coalesced across the 32 columns) with UNROLL independent sums, so that several loads
// are in flight per thread (one dependent sum leaves the kernel waiting on memory latency); the 8 lanes are summed in
// workgroup memory and the chunk's partial row is written; a second pass sums the partial rows the same way. Chunking matters: with one
// workgroup per 32 columns a [4096 x 768] sum ran on 24 workgroups of a 132-SM GPU and was 3x slower than tfjs'
// transpose (docs/performance.md). A different summation order from tfjs' (values within float rounding of it;
// checked against the cpu backend). Overrides tfjs' Sum for those reductions only; WID_FUSIONS=off or -column-sum
// uses tfjs' Sum (read at each call).
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { TensorInfo } from '@tensorflow/tfjs';

export const COLUMNS_PER_GROUP = 32;
export const ROW_LANES = 8;
/** Rows one workgroup sums (at least; more where the rows would need over 1,024 chunks). */
export const ROWS_PER_CHUNK = 256;

/** The chunk height: ROWS_PER_CHUNK, or WID_COLUMN_SUM_ROWS (a multiple of 8, for A/B runs on a GPU; read at each call). */
export function rowsPerChunkSetting(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.WID_COLUMN_SUM_ROWS;
  if (v === undefined || v === '') return ROWS_PER_CHUNK;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 8 || n % 8 !== 0) throw new Error(`WID_COLUMN_SUM_ROWS must be a multiple of 8 (≥ 8), got "${v}"`);
  return n;
}

/** Independent row sums each thread keeps (loads in flight per thread), unless WID_COLUMN_SUM_UNROLL says otherwise. */
export const UNROLL = 4;

/** The unroll factor: UNROLL, or WID_COLUMN_SUM_UNROLL (1, 2, 4 or 8, for A/B runs on a GPU; read at each call). */
export function unrollSetting(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.WID_COLUMN_SUM_UNROLL;
  if (v === undefined || v === '') return UNROLL;
  if (!['1', '2', '4', '8'].includes(v)) throw new Error(`WID_COLUMN_SUM_UNROLL must be 1, 2, 4 or 8, got "${v}"`);
  return Number(v);
}

/**
 * WGSL: this thread's place in the layout (lane `lx` of COLUMNS_PER_GROUP columns, row lane `ly`; its column `col`;
 * the workgroup's chunk and its rows first .. end) for a dispatch [column groups, chunks]; `rows` must be defined.
 */
export const chunkCoordinates = (rowsPerChunk: number) => `
        let lx = i32(localId.x) % ${COLUMNS_PER_GROUP};
        let ly = i32(localId.x) / ${COLUMNS_PER_GROUP};
        let col = i32(workgroupId.x) * ${COLUMNS_PER_GROUP} + lx;
        let chunk = i32(workgroupId.y);
        let first = chunk * ${rowsPerChunk};
        let end = min(first + ${rowsPerChunk}, rows);`;

/** WGSL: `total` = the ROW_LANES partial sums of this thread's column in workgroup array `part`. */
export const laneTotal = (total: string, part: string) => `
          var ${total} = ${part}[lx];
          for (var k = 1; k < ${ROW_LANES}; k = k + 1) { ${total} = ${total} + ${part}[k * ${COLUMNS_PER_GROUP} + lx]; }`;

/** How many chunks of rows the first pass splits `rows` into, and the rows of each. */
export function columnSumChunks(rows: number, chunkRows = rowsPerChunkSetting()): { chunks: number; rowsPerChunk: number } {
  const rowsPerChunk = Math.max(chunkRows, Math.ceil(rows / 1024));
  return { chunks: Math.ceil(rows / rowsPerChunk), rowsPerChunk };
}

/**
 * x [rows, stride] -> partial sums [chunks, width] of its columns offset .. offset + width (the uniforms; one pipeline
 * for every offset); chunks = 1: the column sums themselves.
 */
export class ColumnSumProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  variableNames = ['x'];
  uniforms = 'offset : i32, width : i32,';
  workgroupSize: [number, number, number] = [COLUMNS_PER_GROUP * ROW_LANES, 1, 1];
  private readonly rowsPerChunk: number;
  private readonly unroll: number;

  constructor(rows: number, width: number) {
    const { chunks, rowsPerChunk } = columnSumChunks(rows);
    this.rowsPerChunk = rowsPerChunk;
    this.unroll = unrollSetting();
    this.outputShape = [chunks, width];
    this.dispatch = [Math.ceil(width / COLUMNS_PER_GROUP), chunks, 1];
    this.shaderKey = `widColumnSum_${rowsPerChunk}_u${this.unroll}`;
  }

  getUserCode(): string {
    const u = this.unroll;
    const acc = Array.from({ length: u }, (_, i) => `s${i}`);
    return `
      var<workgroup> part : array<f32, ${COLUMNS_PER_GROUP * ROW_LANES}>;
      fn main(index : i32) {
        let rows = uniforms.xShape[0];
        let stride = uniforms.xShape[1];
        let cols = uniforms.width;${chunkCoordinates(this.rowsPerChunk)}
        ${acc.map((a) => `var ${a} = 0.0;`).join(' ')}
        if (col < cols) {
          var r = first + ly;
          for (; r + ${(u - 1) * ROW_LANES} < end; r = r + ${u * ROW_LANES}) {
            ${acc.map((a, i) => `${a} = ${a} + x[(r + ${i * ROW_LANES}) * stride + uniforms.offset + col];`).join('\n            ')}
          }
          for (; r < end; r = r + ${ROW_LANES}) { s0 = s0 + x[r * stride + uniforms.offset + col]; }
        }
        part[ly * ${COLUMNS_PER_GROUP} + lx] = ${acc.join(' + ')};
        workgroupBarrier();
        if (ly == 0 && col < cols) {${laneTotal('t', 'part')}
          result[chunk * cols + col] = t;
        }
      }
    `;
  }
}

/**
 * The sums of x's columns offset .. offset + width ([rows, stride] -> [width]): the first pass, then the chunks'
 * partial rows summed the same way until one row is left.
 */
export function columnSums(backend: WebGPUBackend, x: TensorInfo, offset = 0, width = x.shape[1] - offset): TensorInfo {
  const run = (input: TensorInfo, from: number) => backend.runWebGPUProgram(new ColumnSumProgram(input.shape[0], width), [input], 'float32',
    [{ type: 'int32', data: [from] }, { type: 'int32', data: [width] }]);
  let out = run(x, offset);
  while (out.shape[0] > 1) {
    const partial = out;
    out = run(partial, 0);
    backend.disposeData(partial.dataId);
  }
  return { ...out, shape: [width] };
}
