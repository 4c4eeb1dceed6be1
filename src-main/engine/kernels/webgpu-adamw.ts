// AdamW on webgpu in ONE dispatch per parameter, updating the parameter, m and v IN PLACE: the variables
// keep their GPU buffers from step to step, so a captured step (capture/captured-step.ts) replays against the
// current weights. The per-step values (learning rate, bias corrections) are read from a small storage buffer,
// not baked into a uniform, so a replay with the next step's values needs no new uniform. The registered
// kernel 'WidAdamWStep' (out of place, for the functional API in adamw-step.ts) copies p, m and v to fresh
// outputs and runs the same shader on them; the former three tfjs programs stay as the reference
// (`WID_ADAMW_DISPATCH=three`) and as the path for inputs that are not plain GPU buffers.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { ADAMW_KERNEL, AdamWStepParams } from './adamw-step.js';
import { bufferOf, gridOf, recordDispatch, type WebgpuInternals } from '../capture/webgpu-internals.js';
import { noteInPlaceWrite } from '../capture/gpu-hooks.js';

const WORKGROUP = 256;

// One thread per element; rows of workgroups when the count exceeds the per-dimension limit.
// step = [lr, bc1, bc2, skip]; lr here is the run's scheduled rate, times this parameter's lrScale. skip != 0 (written on
// the device by a loss-scaled step whose gradients overflowed, train/loss-scale.ts) leaves p, m and v as they are.
const WGSL = /* wgsl */ `
struct Settings { beta1: f32, beta2: f32, oneMinusBeta1: f32, oneMinusBeta2: f32, eps: f32, lrScale: f32, weightDecay: f32, n: u32 }
@group(0) @binding(0) var<storage, read_write> p: array<f32>;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read_write> m: array<f32>;
@group(0) @binding(3) var<storage, read_write> v: array<f32>;
@group(0) @binding(4) var<storage, read> step: array<f32>;
@group(0) @binding(5) var<uniform> s: Settings;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let i = gid.x + gid.y * nw.x * ${WORKGROUP}u;
  if (i >= s.n || step[3] != 0.0) { return; }
  let lr = step[0] * s.lrScale;
  let gi = g[i];
  let mi = m[i] * s.beta1 + gi * s.oneMinusBeta1;
  let vi = v[i] * s.beta2 + (gi * gi) * s.oneMinusBeta2;
  let pi = p[i];
  let update = (mi / step[1]) / (sqrt(vi / step[2]) + s.eps);
  p[i] = (pi - update * lr) - pi * (lr * s.weightDecay);
  m[i] = mi;
  v[i] = vi;
}`;

/** What stays fixed for a parameter over a run. */
export interface AdamWSettings { beta1: number; beta2: number; epsilon: number; lrScale: number; weightDecay: number }

const pipelines = new WeakMap<GPUDevice, GPUComputePipeline>();
let maxWorkgroupsOverride: number | null = null;
let singleDispatches = 0;

/** Tests only: a smaller per-dimension workgroup limit, so a small tensor exercises the 2-D dispatch. */
export function setAdamWMaxWorkgroupsPerDim(n: number | null): void { maxWorkgroupsOverride = n; }
/** How many single-dispatch AdamW steps this process recorded (tests check the path ran). */
export const adamwSingleDispatchCount = () => singleDispatches;

function pipelineFor(device: GPUDevice): GPUComputePipeline {
  let p = pipelines.get(device);
  if (!p) {
    p = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code: WGSL }), entryPoint: 'main' } });
    pipelines.set(device, p);
  }
  return p;
}

/**
 * One AdamW update of `p`, `m` and `v` in place; `step` is a float32 tensor [lr, bc1, bc2, skip]
 * (skip != 0: no update). The three must be
 * the sole holders of their data (a shared data id would change every tensor sharing it).
 */
export function adamwInPlace(be: WebgpuInternals, p: tf.TensorInfo, g: tf.TensorInfo, m: tf.TensorInfo, v: tf.TensorInfo, step: tf.TensorInfo, s: AdamWSettings): void {
  const n = p.shape.reduce((a, b) => a * b, 1);
  if (n === 0) return;
  const buffers = [p, g, m, v, step].map((t) => bufferOf(be, t));
  const f32 = (x: number) => ({ type: 'float32', data: [x] });
  // 1 - beta in float64 here: in the shader, 1 - f32(0.999) is off by 1.3e-5 relative (the composite formula is not)
  const uniform = be.makeUniforms([f32(s.beta1), f32(s.beta2), f32(1 - s.beta1), f32(1 - s.beta2), f32(s.epsilon), f32(s.lrScale), f32(s.weightDecay),
    { type: 'uint32', data: [n] }]);
  const pipeline = pipelineFor(be.device);
  const bindGroup = be.device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [...buffers.map((buffer, i) => ({ binding: i, resource: { buffer } })), { binding: 5, resource: uniform }],
  });
  for (const t of [p, m, v]) noteInPlaceWrite(be, t.dataId);
  recordDispatch(be, 'WidAdamWInPlace', pipeline, bindGroup, gridOf(be, Math.ceil(n / WORKGROUP), maxWorkgroupsOverride ?? undefined), [p, g, m, v, step]);
  singleDispatches++;
}

/** Out of place for the functional API: fresh outputs holding p, m, v, then the in-place step on them; null where an input is not a plain GPU buffer. */
function singleDispatch(be: WebgpuInternals, inputs: tf.TensorInfo[], h: AdamWStepParams): tf.TensorInfo[] | null {
  const [p, g, m, v] = inputs;
  const n = p.shape.reduce((a, b) => a * b, 1);
  for (const t of inputs) be.uploadToGPU(t.dataId);
  if (!inputs.every((t) => be.tensorMap.get(t.dataId).resource instanceof GPUBuffer)) return null;
  const outs = [0, 1, 2].map(() => be.makeTensorInfo(p.shape, 'float32'));
  be.endComputePassEncoder();
  be.ensureCommandEncoderReady();
  [p, m, v].forEach((t, i) => be.commandEncoder!.copyBufferToBuffer(bufferOf(be, t), 0, bufferOf(be, outs[i]), 0, 4 * n));
  for (const t of [p, m, v, ...outs]) be.commandQueueOwnedIds.add(t.dataId);
  const stepInfo = be.makeTensorInfo([4], 'float32');
  be.tensorMap.get(stepInfo.dataId).values = Float32Array.from([h.lr, h.bc1, h.bc2, 0]);
  adamwInPlace(be, outs[0], g, outs[1], outs[2], stepInfo, { beta1: h.beta1, beta2: h.beta2, epsilon: h.epsilon, lrScale: 1, weightDecay: h.weightDecay });
  tf.engine().makeTensorFromTensorInfo(stepInfo).dispose();
  return outs;
}

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
    this.shaderKey = `widAdamW2_${part}`;
    this.variableNames = part === 'm' ? ['mom', 'grad'] : part === 'v' ? ['mom', 'grad'] : ['param', 'newM', 'newV'];
    this.dispatchLayout = { x: shape.map((_, i) => i) };
    const n = shape.reduce((a, b) => a * b, 1);
    this.dispatch = [Math.ceil(n / 256), 1, 1];
  }

  getUserCode(): string {
    const body = {
      // h0 = beta, h1 = 1 - beta (from float64)
      m: 'result[index] = mom[index] * uniforms.h0 + grad[index] * uniforms.h1;',
      v: 'let g = grad[index]; result[index] = mom[index] * uniforms.h0 + (g * g) * uniforms.h1;',
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

function threePrograms(backend: WebGPUBackend, p: tf.TensorInfo, g: tf.TensorInfo, m: tf.TensorInfo, v: tf.TensorInfo, h: AdamWStepParams): tf.TensorInfo[] {
  const shape = p.shape;
  const newM = backend.runWebGPUProgram(new AdamWPartProgram('m', shape), [m, g], 'float32', [f32([h.beta1]), f32([1 - h.beta1]), f32([0]), f32([0]), f32([0])]);
  const newV = backend.runWebGPUProgram(new AdamWPartProgram('v', shape), [v, g], 'float32', [f32([h.beta2]), f32([1 - h.beta2]), f32([0]), f32([0]), f32([0])]);
  const param = backend.runWebGPUProgram(new AdamWPartProgram('param', shape), [p, newM, newV], 'float32',
    [f32([h.lr]), f32([h.bc1]), f32([h.bc2]), f32([h.epsilon]), f32([h.lr * h.weightDecay])]);
  return [param, newM, newV];
}

function adamwKernel(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] {
  const { p, g, m, v } = args.inputs as Record<'p' | 'g' | 'm' | 'v', tf.TensorInfo>;
  const h = args.attrs as unknown as AdamWStepParams;
  const backend = args.backend as unknown as WebGPUBackend;
  const n = p.shape.reduce((a, b) => a * b, 1);
  if (n > 0 && process.env.WID_ADAMW_DISPATCH !== 'three') {
    const outs = singleDispatch(backend as unknown as WebgpuInternals, [p, g, m, v], h);
    if (outs) return outs;
  }
  return threePrograms(backend, p, g, m, v, h);
}

let registered = false;
/** Whether AdamW may use the in-place kernel (registered with the workbench's webgpu kernels). */
export const inPlaceAdamWAvailable = (): boolean => registered && process.env.WID_ADAMW_DISPATCH !== 'three';
export function registerAdamWKernel(): void {
  if (registered || tf.getKernel(ADAMW_KERNEL, 'webgpu')) return;
  tf.registerKernel({ kernelName: ADAMW_KERNEL, backendName: 'webgpu', kernelFunc: adamwKernel as unknown as tf.KernelFunc });
  registered = true;
}
