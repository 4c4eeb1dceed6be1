// webgpu kernels behind cross-entropy.ts: per-row log-sum-exp and the label's logit with one workgroup per row
// (shared-memory max and sum), and the gradient as one element-wise pass.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { rowGrid as grid, workgroupReduce } from './webgpu-row-reduce.js';
import { XENT_GRAD, XENT_ROWS } from './cross-entropy.js';

const WG = 256;

class RowsProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey = 'widCrossEntropyRows';
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  variableNames = ['logits', 'labels'];
  workgroupSize: [number, number, number] = [WG, 1, 1];
  constructor(rows: number) {
    this.outputShape = [rows, 2];
    this.dispatch = grid(rows);
  }
  getUserCode(): string {
    return `
      var<workgroup> red : array<f32, ${WG}>;
      fn main(index : i32) {
        let R = uniforms.logitsShape[0];
        let V = uniforms.logitsShape[1];
        let row = i32(workgroupId.y * numWorkgroups.x + workgroupId.x);
        let tid = i32(localId.x);
        let live = row < R;
        var m = -3.402823466e38;
        if (live) { for (var c = tid; c < V; c = c + ${WG}) { m = max(m, logits[row * V + c]); } }
        red[tid] = m;
        ${workgroupReduce('max', WG)}
        let mx = red[0];
        workgroupBarrier();
        var s = 0.0;
        if (live) { for (var c = tid; c < V; c = c + ${WG}) { s = s + exp(logits[row * V + c] - mx); } }
        red[tid] = s;
        ${workgroupReduce('sum', WG)}
        if (live && tid == 0) {
          result[row * 2] = mx + log(red[0]);
          result[row * 2 + 1] = logits[row * V + labels[row]];
        }
      }`;
  }
}

class GradProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey = 'widCrossEntropyGrad';
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames = ['logits', 'rows', 'labels', 'scale'];
  workgroupSize: [number, number, number] = [256, 1, 1];
  size = true;
  constructor(n: number, v: number) {
    this.outputShape = [n, v];
    this.dispatchLayout = { x: [0, 1] };
    this.dispatch = grid(Math.ceil((n * v) / 256));
  }
  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let V = uniforms.logitsShape[1];
          let row = index / V;
          let col = index - row * V;
          let p = exp(logits[index] - rows[row * 2]);
          result[index] = (p - select(0.0, 1.0, col == labels[row])) * scale[row];
        }
      }`;
  }
}

type Args = Parameters<tf.KernelFunc>[0];

let registered = false;
export function registerCrossEntropyKernels(): void {
  if (registered) return;
  registered = true;
  const reg = (kernelName: string, kernelFunc: (a: Args) => tf.TensorInfo) =>
    tf.registerKernel({ kernelName, backendName: 'webgpu', kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  reg(XENT_ROWS, (a) => {
    const { logits, labels } = a.inputs as Record<string, tf.TensorInfo>;
    if (logits.shape.length !== 2 || logits.dtype !== 'float32' || labels.dtype !== 'int32' || labels.shape[0] !== logits.shape[0]) {
      throw new Error(`${XENT_ROWS}: logits float32 [n, v] and labels int32 [n] expected, got ${logits.dtype} [${logits.shape}], ${labels.dtype} [${labels.shape}]`);
    }
    return (a.backend as unknown as WebGPUBackend).runWebGPUProgram(new RowsProgram(logits.shape[0]), [logits, labels], 'float32');
  });
  reg(XENT_GRAD, (a) => {
    const { logits, rows, labels, scale } = a.inputs as Record<string, tf.TensorInfo>;
    return (a.backend as unknown as WebGPUBackend).runWebGPUProgram(new GradProgram(logits.shape[0], logits.shape[1]), [logits, rows, labels, scale], 'float32');
  });
}
