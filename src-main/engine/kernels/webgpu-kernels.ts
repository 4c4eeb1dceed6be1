// Registers the workbench's own webgpu kernels over tfjs' ones where they are faster; each falls
// back to the original kernel for inputs it does not handle. Idempotent.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { ROWS_PER_THREAD, SegmentSumByColumnProgram } from './webgpu-segment-sum.js';
import { installWriteBufferUploads } from './webgpu-upload.js';
import { registerAdamWKernel } from './webgpu-adamw.js';
import { registerLayerNormKernels } from './webgpu-layer-norm.js';
import { registerGeluKernels } from './webgpu-gelu.js';
import { registerDropoutMaskKernel } from './webgpu-dropout-mask.js';
import { registerMatMulKernel } from './webgpu-matmul.js';
import { registerTensorCoreMatMul } from './webgpu-matmul-subgroup.js';
import { registerCrossEntropyKernels } from './webgpu-cross-entropy.js';
import { registerAttentionSoftmaxKernels } from './webgpu-attention-softmax.js';
import { columnSums } from './webgpu-column-sum.js';
import { HeadTransposeProgram, isHeadTransposePerm } from './webgpu-head-transpose.js';
import { fusionsOn } from './fusions.js';

let installed = false;

type KernelArgs = Parameters<tf.KernelFunc>[0];

function override(kernelName: string, make: (original: tf.KernelFunc) => tf.KernelFunc): void {
  const original = tf.getKernel(kernelName, 'webgpu');
  if (!original) throw new Error(`webgpu kernel ${kernelName} is not registered; import @tensorflow/tfjs-backend-webgpu first`);
  tf.unregisterKernel(kernelName, 'webgpu');
  tf.registerKernel({ kernelName, backendName: 'webgpu', kernelFunc: make(original.kernelFunc), setupFunc: original.setupFunc, disposeFunc: original.disposeFunc });
}

/**
 * Env WID_WEBGPU_KERNELS: 'none' keeps tfjs' kernels and uploads (for before/after measurements);
 * otherwise a comma list of what to leave out: upload, segment-sum, adamw, layernorm, gelu, dropout, matmul, tensor-cores, cross-entropy,
 * attention-softmax, column-sum, head-transpose ('tensor-cores': the f16-tc matmul wrapper, which only acts when matmulPrecision() is 'f16-tc').
 * (WID_MATMUL_VARIANT picks the matmul's tiles for every shape, 'tfjs' = tfjs' own: webgpu-matmul.ts.)
 */
export function registerWebgpuKernels(env: NodeJS.ProcessEnv = process.env): string[] {
  if (installed || env.WID_WEBGPU_KERNELS === 'none') return [];
  installed = true;
  const skip = new Set((env.WID_WEBGPU_KERNELS ?? '').split(',').map((s) => s.trim()));
  const done: string[] = [];
  if (!skip.has('upload')) { installWriteBufferUploads(tf.findBackend('webgpu') as unknown as WebGPUBackend); done.push('upload'); }
  if (!skip.has('adamw')) { registerAdamWKernel(); done.push('adamw'); }
  if (!skip.has('layernorm')) { registerLayerNormKernels(); done.push('layernorm'); }
  if (!skip.has('gelu')) { registerGeluKernels(); done.push('gelu'); }
  if (!skip.has('dropout')) { registerDropoutMaskKernel(); done.push('dropout'); }
  if (!skip.has('matmul')) { registerMatMulKernel(); done.push('matmul'); }
  if (!skip.has('tensor-cores')) { registerTensorCoreMatMul(); done.push('tensor-cores'); }
  if (!skip.has('cross-entropy')) { registerCrossEntropyKernels(); done.push('cross-entropy'); }
  if (!skip.has('attention-softmax')) { registerAttentionSoftmaxKernels(); done.push('attention-softmax'); }
  if (!skip.has('column-sum')) {
    done.push('column-sum');
    // sums over every axis but the last (bias and LayerNorm gradients) without tfjs' transpose: webgpu-column-sum.ts
    override('Sum', (original) => (args: KernelArgs) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
      const rank = x.shape.length;
      const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
      const leading = rank >= 2 && axes.length === rank - 1 && axes.every((a, i) => a === i);
      const columns = x.shape[rank - 1];
      const rows = tf.util.sizeFromShape(x.shape) / Math.max(columns, 1);
      if (!leading || x.dtype !== 'float32' || rows < 2 || columns < 1 || !fusionsOn('column-sum')) return original(args);
      const out = columnSums(args.backend as unknown as WebGPUBackend, { dataId: x.dataId, shape: [rows, columns], dtype: 'float32' });
      return { ...out, shape: keepDims ? [...x.shape.slice(0, -1).map(() => 1), columns] : [columns] };
    });
  }
  if (!skip.has('head-transpose')) {
    done.push('head-transpose');
    // the attention heads' split and merge ([B, S, H, D] <-> [B, H, S, D], perm [0, 2, 1, 3]) as a row copy: webgpu-head-transpose.ts
    override('Transpose', (original) => (args: KernelArgs) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      const { perm } = args.attrs as { perm: number[] };
      const backend = args.backend as unknown as WebGPUBackend;
      if (x.shape.length !== 4 || x.dtype !== 'float32' || !isHeadTransposePerm(perm) || tf.util.sizeFromShape(x.shape) === 0
        || !fusionsOn('head-transpose') || backend.shouldExecuteOnCPU([x])) return original(args);
      return backend.runWebGPUProgram(new HeadTransposeProgram(x.shape), [x], 'float32');
    });
  }
  if (skip.has('segment-sum')) return done;
  done.push('segment-sum');
  override('UnsortedSegmentSum', (original) => (args: KernelArgs) => {
    const { x, segmentIds } = args.inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
    const numSegments = (args.attrs as { numSegments: number }).numSegments;
    if (x.shape.length !== 2 || segmentIds.shape.length !== 1 || x.dtype !== 'float32' || x.shape[0] !== segmentIds.shape[0]) {
      return original(args);
    }
    const backend = args.backend as unknown as WebGPUBackend;
    const program = new SegmentSumByColumnProgram(x.shape[0], x.shape[1], numSegments);
    return backend.runWebGPUProgram(program, [x, segmentIds], 'float32', [{ type: 'int32', data: [ROWS_PER_THREAD] }]);
  });
  return done;
}
