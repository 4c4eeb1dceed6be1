// Faster webgpu UnsortedSegmentSum for the embedding-table gradient (tf.gather's gradient).
// tfjs' own kernel transposes the [tokens, width] gradient, zero-fills a [width, rows] buffer,
// adds with a float compare-and-swap loop and transposes back: ~570 ms per call for BERT-base's
// 30522-row table at 4096 tokens on an H100 (docs/performance.md). Here each thread owns one
// column and one block of table rows: it zeroes its rows, then walks all tokens in order and adds
// those whose id falls in its block. Threads never share an output element, so no atomics, and
// the sum order is the token order (deterministic).
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/** Table rows handled per thread; the grid is (ceil(width/64), ceil(rows/ROWS_PER_THREAD)). */
export const ROWS_PER_THREAD = 256;

export class SegmentSumByColumnProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey = 'widSegmentSumByColumn';
  dispatchLayout = { x: [1], y: [0] };
  dispatch: [number, number, number];
  variableNames = ['x', 'segmentIds'];
  workgroupSize: [number, number, number] = [64, 1, 1];
  uniforms = 'rowsPerThread : i32,';

  constructor(tokens: number, width: number, rows: number) {
    this.outputShape = [rows, width];
    this.dispatch = [Math.ceil(width / 64), Math.ceil(rows / ROWS_PER_THREAD), 1];
    void tokens;
  }

  getUserCode(): string {
    return `
      fn main() {
        let col = i32(globalId.x);
        let width = uniforms.outShape[1];
        let rows = uniforms.outShape[0];
        let tokens = uniforms.xShape[0];
        if (col >= width) { return; }
        let rowStart = i32(globalId.y) * uniforms.rowsPerThread;
        let rowEnd = min(rowStart + uniforms.rowsPerThread, rows);
        for (var r = rowStart; r < rowEnd; r++) {
          result[r * width + col] = 0.0;
        }
        for (var i = 0; i < tokens; i++) {
          let s = i32(segmentIds[i]);
          if (s >= rowStart && s < rowEnd) {
            result[s * width + col] = result[s * width + col] + x[i * width + col];
          }
        }
      }
    `;
  }
}
