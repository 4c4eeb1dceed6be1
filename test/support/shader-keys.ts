// The shader keys of the webgpu programs a piece of work runs (tfjs' runWebGPUProgram; empty on other backends), so a
// test can tell which kernels ran: the fused one or the ops it replaces.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

export async function withShaderKeys<T>(work: () => Promise<T>): Promise<{ result: T; keys: string[] }> {
  const keys: string[] = [];
  if (tf.getBackend() !== 'webgpu') return { result: await work(), keys };
  const be = tf.backend() as unknown as WebGPUBackend;
  const original = be.runWebGPUProgram;
  be.runWebGPUProgram = function (this: WebGPUBackend, program: WebGPUProgram, ...rest: unknown[]) {
    keys.push(program.shaderKey);
    return (original as (...a: unknown[]) => tf.TensorInfo).call(this, program, ...rest);
  } as typeof original;
  try {
    return { result: await work(), keys };
  } finally {
    be.runWebGPUProgram = original;
  }
}
