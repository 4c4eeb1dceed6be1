// webgpu kernels behind attention-softmax.ts: one workgroup per row of keys (shared-memory max and sum), the
// scale, the mask of the row's batch and the clamp applied on the way in; the backward pass likewise per row.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { rowGrid as grid, workgroupReduce } from './webgpu-row-reduce.js';
import { ATTN_SOFTMAX, ATTN_SOFTMAX_GRAD } from './attention-softmax.js';

const WG = 64;

class RowSoftmaxProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  variableNames: string[];
  workgroupSize: [number, number, number] = [WG, 1, 1];
  uniforms = 'scale : f32,';
  constructor(private grad: boolean, shape: number[]) {
    this.outputShape = shape;
    this.shaderKey = grad ? 'widAttentionSoftmaxGrad' : 'widAttentionSoftmax';
    this.variableNames = grad ? ['probs', 'dy'] : ['raw', 'mask'];
    this.dispatch = grid(shape[0] * shape[1] * shape[2]);
  }
  getUserCode(): string {
    const head = `
      var<workgroup> red : array<f32, ${WG}>;
      fn main(index : i32) {
        let B = uniforms.outShape[0];
        let H = uniforms.outShape[1];
        let Q = uniforms.outShape[2];
        let K = uniforms.outShape[3];
        let row = i32(workgroupId.y * numWorkgroups.x + workgroupId.x);
        let tid = i32(localId.x);
        let live = row < B * H * Q;
        let base = row * K;`;
    if (this.grad) {
      return `${head}
        var s = 0.0;
        if (live) { for (var c = tid; c < K; c = c + ${WG}) { s = s + dy[base + c] * probs[base + c]; } }
        red[tid] = s;
        ${workgroupReduce('sum', WG)}
        let dot = red[0];
        if (live) { for (var c = tid; c < K; c = c + ${WG}) { result[base + c] = probs[base + c] * (dy[base + c] - dot) * uniforms.scale; } }
      }`;
    }
    return `${head}
        let b = row / (H * Q);
        var m = -3.402823466e38;
        if (live) {
          for (var c = tid; c < K; c = c + ${WG}) { m = max(m, max(raw[base + c] * uniforms.scale + mask[b * K + c], -3.402823466e38)); }
        }
        red[tid] = m;
        ${workgroupReduce('max', WG)}
        let mx = red[0];
        workgroupBarrier();
        var s = 0.0;
        if (live) {
          for (var c = tid; c < K; c = c + ${WG}) { s = s + exp(max(raw[base + c] * uniforms.scale + mask[b * K + c], -3.402823466e38) - mx); }
        }
        red[tid] = s;
        ${workgroupReduce('sum', WG)}
        let total = red[0];
        if (live) {
          for (var c = tid; c < K; c = c + ${WG}) {
            result[base + c] = exp(max(raw[base + c] * uniforms.scale + mask[b * K + c], -3.402823466e38) - mx) / total;
          }
        }
      }`;
  }
}

type Args = Parameters<tf.KernelFunc>[0];

let registered = false;
export function registerAttentionSoftmaxKernels(): void {
  if (registered) return;
  registered = true;
  const reg = (kernelName: string, kernelFunc: (a: Args) => tf.TensorInfo) =>
    tf.registerKernel({ kernelName, backendName: 'webgpu', kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  const scaleOf = (a: Args) => [{ type: 'float32', data: [(a.attrs as { scale: number }).scale] }];
  reg(ATTN_SOFTMAX, (a) => {
    const { raw, mask } = a.inputs as Record<string, tf.TensorInfo>;
    const [b, , , k] = raw.shape;
    if (raw.shape.length !== 4 || mask.shape.join() !== [b, 1, 1, k].join()) {
      throw new Error(`${ATTN_SOFTMAX}: raw [b, h, q, k] and mask [b, 1, 1, k] expected, got [${raw.shape}] and [${mask.shape}]`);
    }
    return (a.backend as unknown as WebGPUBackend).runWebGPUProgram(new RowSoftmaxProgram(false, raw.shape), [raw, mask], 'float32', scaleOf(a));
  });
  reg(ATTN_SOFTMAX_GRAD, (a) => {
    const { probs, dy } = a.inputs as Record<string, tf.TensorInfo>;
    return (a.backend as unknown as WebGPUBackend).runWebGPUProgram(new RowSoftmaxProgram(true, probs.shape), [probs, dy], 'float32', scaleOf(a));
  });
}
