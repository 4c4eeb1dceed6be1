// webgpu kernel 'WidAdamWStep': new parameter, first and second moment of one parameter in ONE
// dispatch. tfjs programs have a single output, so this records its own pipeline into tfjs' command
// encoder (the same steps as the backend's recordAndSubmit: its open compute pass, its submit batching,
// its timestamp queries under tf.profile, and its list of buffers the queue still uses, which defers
// their reuse). A BERT-base step has 202 parameters: 606 dispatches -> 202, each dispatch costing tens
// of µs of JS (docs/performance.md). The former three tfjs programs (m, v, parameter) stay as the path
// for inputs that are not plain GPU buffers and as the reference (`WID_ADAMW_DISPATCH=three`).
// Same formula as adamw-step.ts's composite.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { ADAMW_KERNEL, AdamWStepParams } from './adamw-step.js';

const WORKGROUP = 256;

// One thread per element; rows of workgroups when the count exceeds the per-dimension limit.
const WGSL = /* wgsl */ `
struct Hyper { lr: f32, beta1: f32, beta2: f32, oneMinusBeta1: f32, oneMinusBeta2: f32, bc1: f32, bc2: f32, eps: f32, lrWd: f32, n: u32, pad0: u32, pad1: u32 }
@group(0) @binding(0) var<storage, read> p: array<f32>;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read> m: array<f32>;
@group(0) @binding(3) var<storage, read> v: array<f32>;
@group(0) @binding(4) var<storage, read_write> pOut: array<f32>;
@group(0) @binding(5) var<storage, read_write> mOut: array<f32>;
@group(0) @binding(6) var<storage, read_write> vOut: array<f32>;
@group(0) @binding(7) var<uniform> h: Hyper;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let i = gid.x + gid.y * nw.x * ${WORKGROUP}u;
  if (i >= h.n) { return; }
  let gi = g[i];
  let mi = m[i] * h.beta1 + gi * h.oneMinusBeta1;
  let vi = v[i] * h.beta2 + (gi * gi) * h.oneMinusBeta2;
  let pi = p[i];
  let update = (mi / h.bc1) / (sqrt(vi / h.bc2) + h.eps);
  pOut[i] = (pi - update * h.lr) - pi * h.lrWd;
  mOut[i] = mi;
  vOut[i] = vi;
}`;

interface TensorData { resource: unknown }
interface Internals {
  device: GPUDevice;
  tensorMap: { get(id: object): TensorData };
  commandEncoder: GPUCommandEncoder | null;
  computePassEncoder: GPUComputePassEncoder | null;
  dispatchCountInPass: number;
  commandQueueOwnedIds: WeakSet<object> | Set<object>;
  activeTimers: { name: string; query: Promise<number> }[] | null;
  supportTimestampQuery: boolean;
  querySet: GPUQuerySet | null;
  querySetCount: number;
  uploadToGPU(dataId: object): void;
  makeTensorInfo(shape: number[], dtype: string): tf.TensorInfo;
  makeUniforms(u: { type: string; data: number[] }[]): GPUBufferBinding;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  getQueryTime(): Promise<number>;
}

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

/** The step in one dispatch, or null where an input is not a plain GPU buffer (then the three programs run). */
function singleDispatch(be: Internals, inputs: tf.TensorInfo[], h: AdamWStepParams): tf.TensorInfo[] | null {
  const [p] = inputs;
  const n = p.shape.reduce((a, b) => a * b, 1);
  for (const t of inputs) be.uploadToGPU(t.dataId);
  if (!inputs.every((t) => be.tensorMap.get(t.dataId).resource instanceof GPUBuffer)) return null;
  const outs = [0, 1, 2].map(() => be.makeTensorInfo(p.shape, 'float32'));
  for (const t of outs) be.uploadToGPU(t.dataId); // acquires the output buffers
  const buffers = [...inputs, ...outs].map((t) => be.tensorMap.get(t.dataId).resource as GPUBuffer);
  const f32 = (x: number) => ({ type: 'float32', data: [x] });
  // 1 - beta in float64 here: in the shader, 1 - f32(0.999) is off by 1.3e-5 relative (the composite formula is not)
  const uniform = be.makeUniforms([f32(h.lr), f32(h.beta1), f32(h.beta2), f32(1 - h.beta1), f32(1 - h.beta2), f32(h.bc1), f32(h.bc2), f32(h.epsilon),
    f32(h.lr * h.weightDecay), { type: 'uint32', data: [n] }, { type: 'uint32', data: [0] }, { type: 'uint32', data: [0] }]); // 48 bytes: the struct's size (a multiple of 16)
  const pipeline = pipelineFor(be.device);
  const bindGroup = be.device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [...buffers.map((buffer, i) => ({ binding: i, resource: { buffer } })), { binding: 7, resource: uniform }],
  });
  for (const t of [...inputs, ...outs]) be.commandQueueOwnedIds.add(t.dataId);
  const groups = Math.ceil(n / WORKGROUP);
  const maxPerDim = maxWorkgroupsOverride ?? be.device.limits.maxComputeWorkgroupsPerDimension;
  const x = Math.min(groups, maxPerDim), y = Math.ceil(groups / x);
  // as recordAndSubmit: under tf.profile every dispatch gets a pass with timestamp writes and is timed
  const timed = be.activeTimers != null;
  be.ensureCommandEncoderReady();
  if (timed && be.supportTimestampQuery) {
    be.endComputePassEncoder();
    if (be.querySet == null) be.querySet = be.device.createQuerySet({ type: 'timestamp', count: be.querySetCount });
    be.computePassEncoder = be.commandEncoder!.beginComputePass({ timestampWrites: { querySet: be.querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } });
  } else if (!be.computePassEncoder) {
    be.computePassEncoder = be.commandEncoder!.beginComputePass({});
  }
  be.computePassEncoder.setPipeline(pipeline);
  be.computePassEncoder.setBindGroup(0, bindGroup);
  be.computePassEncoder.dispatchWorkgroups(x, y);
  be.dispatchCountInPass++;
  if (timed || (tf.env().get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE') as number) <= be.dispatchCountInPass) {
    be.endComputePassEncoder();
    if (timed) be.activeTimers!.push({ name: 'WidAdamWSingleDispatch', query: be.getQueryTime() });
    else be.submitQueue();
  }
  singleDispatches++;
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
    const outs = singleDispatch(backend as unknown as Internals, [p, g, m, v], h);
    if (outs) return outs;
  }
  return threePrograms(backend, p, g, m, v, h);
}

let registered = false;
export function registerAdamWKernel(): void {
  if (registered || tf.getKernel(ADAMW_KERNEL, 'webgpu')) return;
  tf.registerKernel({ kernelName: ADAMW_KERNEL, backendName: 'webgpu', kernelFunc: adamwKernel as unknown as tf.KernelFunc });
  registered = true;
}
