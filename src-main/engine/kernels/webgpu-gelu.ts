// webgpu kernels behind gelu.ts. erf: Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), the same
// approximation tfjs' own Erf kernels use.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { BIAS_GELU, BIAS_GELU_GRAD, GELU, GELU_GRAD } from './gelu.js';

const ERF_WGSL = `
  fn widErf(a : f32) -> f32 {
    let v = abs(a);
    let t = 1.0 / (1.0 + 0.3275911 * v);
    let poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t;
    return sign(a) * (1.0 - poly * exp(-v * v));
  }`;

class GeluProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames: string[];
  workgroupSize: [number, number, number] = [256, 1, 1];
  size = true;
  /** `bias`: x is [rows, C] and b [C] is added first (v = x + b, as tfjs' Add), in the kernel instead of a kernel of its own. */
  constructor(private grad: boolean, shape: number[], private bias = false) {
    this.outputShape = shape;
    this.shaderKey = `${bias ? 'widBias' : 'wid'}Gelu${grad ? 'Grad' : ''}`;
    this.variableNames = [...(bias ? ['x', 'b'] : ['x']), ...(grad ? ['dy'] : [])];
    this.dispatchLayout = { x: shape.map((_, i) => i) };
    this.dispatch = [Math.ceil(shape.reduce((a, b) => a * b, 1) / 256), 1, 1];
  }
  getUserCode(): string {
    const body = this.grad
      ? `let cdf = 0.5 * (1.0 + widErf(v * 0.7071067811865476));
         let pdf = exp(-0.5 * v * v) * 0.3989422804014327;
         result[index] = dy[index] * (cdf + v * pdf);`
      : 'result[index] = (v * 0.5) * (1.0 + widErf(v * 0.7071067811865476));';
    return `
      ${ERF_WGSL}
      fn main(index : i32) {
        if (index < uniforms.size) {
          let v = ${this.bias ? 'x[index] + b[index % uniforms.xShape[1]]' : 'x[index]'};
          ${body}
        }
      }`;
  }
}

let registered = false;
export function registerGeluKernels(): void {
  if (registered) return;
  registered = true;
  for (const bias of [false, true]) {
    for (const grad of [false, true]) {
      const name = bias ? (grad ? BIAS_GELU_GRAD : BIAS_GELU) : (grad ? GELU_GRAD : GELU);
      tf.registerKernel({
        kernelName: name,
        backendName: 'webgpu',
        kernelFunc: ((args: Parameters<tf.KernelFunc>[0]) => {
          const inputs = args.inputs as Record<string, tf.TensorInfo>;
          if (inputs.x.dtype !== 'float32') throw new Error(`${name}: x must be float32, got ${inputs.x.dtype}`);
          if (bias && (inputs.x.shape.length !== 2 || inputs.b.shape.length !== 1 || inputs.b.shape[0] !== inputs.x.shape[1])) {
            throw new Error(`${name}: x must be [rows, C] and b [C], got [${inputs.x.shape}] and [${inputs.b.shape}]`);
          }
          const backend = args.backend as unknown as WebGPUBackend;
          const ins = [inputs.x, ...(bias ? [inputs.b] : []), ...(grad ? [inputs.dy] : [])];
          return backend.runWebGPUProgram(new GeluProgram(grad, inputs.x.shape, bias), ins, 'float32');
        }) as unknown as tf.KernelFunc,
      });
    }
  }
}
