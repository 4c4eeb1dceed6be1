// webgpu kernel 'WidAdamWStep': new moments and new parameter in three element-wise dispatches,
// hyper-parameters passed as uniforms (no scalar tensors to upload). See adamw-step.ts.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { ADAMW_KERNEL, AdamWStepParams } from './adamw-step.js';

type Part = 'm' | 'v' | 'param';

class AdamWPartProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames: string[];
  workgroupSize: [number, number, number] = [256, 1, 1];
  size = true;
  uniforms = 'h0 : f32, h1 : f32, h2 : f32, h3 : f32, h4 : f32,';

  constructor(private part: Part, shape: number[]) {
    this.outputShape = shape;
    this.shaderKey = `widAdamW_${part}`;
    this.variableNames = part === 'm' ? ['mom', 'grad'] : part === 'v' ? ['mom', 'grad'] : ['param', 'newM', 'newV'];
    this.dispatchLayout = { x: shape.map((_, i) => i) };
    const n = shape.reduce((a, b) => a * b, 1);
    this.dispatch = [Math.ceil(n / 256), 1, 1];
  }

  getUserCode(): string {
    const body = {
      // h0 = beta
      m: 'result[index] = mom[index] * uniforms.h0 + grad[index] * (1.0 - uniforms.h0);',
      v: 'let g = grad[index]; result[index] = mom[index] * uniforms.h0 + (g * g) * (1.0 - uniforms.h0);',
      // h0 = lr, h1 = bc1, h2 = bc2, h3 = eps, h4 = lr * weightDecay
      param: `let p = param[index];
        let update = (newM[index] / uniforms.h1) / (sqrt(newV[index] / uniforms.h2) + uniforms.h3);
        result[index] = (p - update * uniforms.h0) - p * uniforms.h4;`,
    }[this.part];
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          ${body}
        }
      }
    `;
  }
}

const f32 = (data: number[]) => ({ type: 'float32', data });

function adamwKernel(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] {
  const { p, g, m, v } = args.inputs as Record<'p' | 'g' | 'm' | 'v', tf.TensorInfo>;
  const h = args.attrs as unknown as AdamWStepParams;
  const backend = args.backend as unknown as WebGPUBackend;
  const shape = p.shape;
  const newM = backend.runWebGPUProgram(new AdamWPartProgram('m', shape), [m, g], 'float32', [f32([h.beta1]), f32([0]), f32([0]), f32([0]), f32([0])]);
  const newV = backend.runWebGPUProgram(new AdamWPartProgram('v', shape), [v, g], 'float32', [f32([h.beta2]), f32([0]), f32([0]), f32([0]), f32([0])]);
  const param = backend.runWebGPUProgram(new AdamWPartProgram('param', shape), [p, newM, newV], 'float32',
    [f32([h.lr]), f32([h.bc1]), f32([h.bc2]), f32([h.epsilon]), f32([h.lr * h.weightDecay])]);
  return [param, newM, newV];
}

let registered = false;
export function registerAdamWKernel(): void {
  if (registered || tf.getKernel(ADAMW_KERNEL, 'webgpu')) return;
  tf.registerKernel({ kernelName: ADAMW_KERNEL, backendName: 'webgpu', kernelFunc: adamwKernel as unknown as tf.KernelFunc });
  registered = true;
}
