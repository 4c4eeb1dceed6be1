// The webgpu kernel behind dropout-mask.ts: one dispatch writes the whole mask from the element index and the
// seed, read from a 2-word tensor (the step) plus a 64-bit offset uniform, and hashed to its key on the device
// exactly as seedKey does in JavaScript. Same PCG arithmetic as the JavaScript path.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { DROPOUT_MASK } from './dropout-mask.js';

class DropoutMaskProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey = 'widDropoutMask';
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames = ['words'];
  uniforms = 'offLo : i32, offHi : i32, rate : f32, scale : f32,';
  workgroupSize: [number, number, number] = [256, 1, 1];
  size = true;
  constructor(shape: number[]) {
    this.outputShape = shape;
    this.dispatchLayout = { x: shape.map((_, i) => i) };
    const n = shape.reduce((a, b) => a * b, 1);
    // 2-D grid past 65535 workgroups (the per-dimension limit)
    const groups = Math.ceil(n / 256);
    this.dispatch = groups > 65535 ? [65535, Math.ceil(groups / 65535), 1] : [groups, 1, 1];
  }
  getUserCode(): string {
    return `
      fn widPcg(v : u32) -> u32 {
        let state = v * 747796405u + 2891336453u;
        let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
        return (word >> 22u) ^ word;
      }
      fn main(index : i32) {
        if (index < uniforms.size) {
          let stepLo = bitcast<u32>(words[0]);
          let lo = stepLo + bitcast<u32>(uniforms.offLo);
          let hi = bitcast<u32>(words[1]) + bitcast<u32>(uniforms.offHi) + select(0u, 1u, lo < stepLo);
          let key = widPcg(lo ^ widPcg(hi));
          let u = f32(widPcg(widPcg(u32(index)) ^ key) >> 8u) / 16777216.0;
          result[index] = select(0.0, uniforms.scale, u >= uniforms.rate);
        }
      }`;
  }
}

let registered = false;
export function registerDropoutMaskKernel(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({
    kernelName: DROPOUT_MASK,
    backendName: 'webgpu',
    kernelFunc: ((args: Parameters<tf.KernelFunc>[0]) => {
      const { shape, rate, offLo, offHi } = args.attrs as unknown as { shape: number[]; rate: number; offLo: number; offHi: number };
      const { words } = args.inputs as { words: tf.TensorInfo };
      const backend = args.backend as unknown as WebGPUBackend;
      // u32 words passed through i32 uniforms (bit patterns kept)
      return backend.runWebGPUProgram(new DropoutMaskProgram(shape), [words], 'float32',
        [{ type: 'int32', data: [offLo] }, { type: 'int32', data: [offHi] }, { type: 'float32', data: [rate] }, { type: 'float32', data: [1 / (1 - rate)] }]);
    }) as unknown as tf.KernelFunc,
  });
}
