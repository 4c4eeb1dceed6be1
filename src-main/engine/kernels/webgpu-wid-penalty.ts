// WID's authors' penalty on one tensor (methods/wid/penalty.ts) in ONE webgpu dispatch: the new gradient
// (g·keep + param·masked·min(λ, 1)) into a fresh tensor and Adam's first moment (m ← 0.9·m + 0.1·(λ−1)·param·masked)
// in place, where tfjs ops take ~8 dispatches and a buffer copy per tensor (the copy also ends tfjs' compute pass).
// The mask is a 0/1 vector along the tensor's rows, columns or the vector itself, read from its buffer at every
// dispatch: a mask event rewrites its values in place, so a captured step replays with the new mask. The products
// are the tfjs path's, in its order; with 0/1 masks the gradient is bit-equal, and the moment's masked entries may
// differ in the last bit where a driver contracts m·0.9 + q into one fused multiply-add.
import * as tf from '@tensorflow/tfjs';
import { bufferOf, gridOf, recordDispatch, type WebgpuInternals } from '../capture/webgpu-internals.js';
import { noteInPlaceWrite } from '../capture/gpu-hooks.js';
import { ensureSoleOwner } from '../capture/in-place.js';

const WORKGROUP = 256;

export type PenaltyAxis = 'rows' | 'cols' | 'vector';
const AXIS_CODE: Record<PenaltyAxis, number> = { rows: 0, cols: 1, vector: 2 };

/** Which optional parts a pipeline has: the moment write, and the loss-scaled step's skip flag. */
function wgsl(moment: boolean, skip: boolean): string {
  return /* wgsl */ `
struct Settings { n: u32, cols: u32, axis: u32, gradScale: f32, scaleGrad: u32, decay: f32, push: f32 }
@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read> p: array<f32>;
@group(0) @binding(3) var<storage, read> masked: array<f32>;
@group(0) @binding(4) var<uniform> s: Settings;
${moment ? '@group(0) @binding(5) var<storage, read_write> m: array<f32>;' : ''}
${skip ? '@group(0) @binding(6) var<storage, read> skip: array<f32>;' : ''}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let i = gid.x + gid.y * nw.x * ${WORKGROUP}u;
  if (i >= s.n) { return; }
  var j = i;
  if (s.axis == 0u) { j = i / s.cols; } else if (s.axis == 1u) { j = i % s.cols; }
  let q = masked[j];
  let kept = 1.0 - q;
  let pi = p[i];
  var qs = q;
  if (s.scaleGrad != 0u) { qs = q * s.gradScale; }
  out[i] = g[i] * kept + pi * qs;
  ${moment ? `${skip ? 'if (skip[0] > 0.0) { return; }' : ''}
  m[i] = m[i] * s.decay + (pi * q) * s.push;` : ''}
}`;
}

const pipelines = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();
let dispatches = 0;
let maxWorkgroupsOverride: number | null = null;
/** How many fused penalty dispatches this process recorded (tests check the path ran). */
export const widPenaltyDispatchCount = () => dispatches;
/** Tests only: a smaller per-dimension workgroup limit, so a small tensor exercises the 2-D dispatch. */
export function setWidPenaltyMaxWorkgroupsPerDim(n: number | null): void { maxWorkgroupsOverride = n; }

function pipelineFor(device: GPUDevice, moment: boolean, skip: boolean): GPUComputePipeline {
  let byKey = pipelines.get(device);
  if (!byKey) pipelines.set(device, (byKey = new Map()));
  const key = `${moment}:${skip}`;
  let p = byKey.get(key);
  if (!p) {
    p = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code: wgsl(moment, skip) }), entryPoint: 'main' } });
    byKey.set(key, p);
  }
  return p;
}

export interface PenaltyDispatch {
  grad: tf.Tensor; param: tf.Tensor;
  /** 1 where masked, along `axis` of `param` ([rows, cols] for rows/cols, [n] for vector). */
  masked: tf.Tensor1D; axis: PenaltyAxis;
  lambda: number;
  /** Adam's first moment, updated in place; null = the gradient only. */
  moment: tf.Variable | null;
  skip: tf.Tensor | null;
}

/** The penalised gradient as a new tensor (caller disposes); the moment, when given, updated in place. */
export function widPenaltyInPlace(be: WebgpuInternals, d: PenaltyDispatch): tf.Tensor {
  const n = d.param.size;
  if (n === 0) return tf.zeros(d.param.shape);
  const cols = d.axis === 'vector' ? n : d.param.shape[d.param.rank - 1];
  const out = be.makeTensorInfo(d.param.shape, 'float32');
  const moment = d.moment && d.lambda > 1 ? d.moment : null;
  if (moment) ensureSoleOwner(be, moment);
  const skip = moment ? d.skip : null;
  const bound: tf.TensorInfo[] = [out, d.grad, d.param, d.masked];
  const entries: GPUBindGroupEntry[] = bound.map((t, i) => ({ binding: i, resource: { buffer: bufferOf(be, t) } }));
  const u32 = (x: number) => ({ type: 'uint32', data: [x] });
  const f32 = (x: number) => ({ type: 'float32', data: [x] });
  entries.push({ binding: 4, resource: be.makeUniforms([u32(n), u32(cols), u32(AXIS_CODE[d.axis]),
    f32(d.lambda), u32(d.lambda >= 1 ? 0 : 1), f32(0.9), f32(0.1 * (d.lambda - 1))]) });
  if (moment) { entries.push({ binding: 5, resource: { buffer: bufferOf(be, moment) } }); bound.push(moment); }
  if (skip) { entries.push({ binding: 6, resource: { buffer: bufferOf(be, skip) } }); bound.push(skip); }
  const pipeline = pipelineFor(be.device, moment !== null, skip !== null);
  const bindGroup = be.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
  if (moment) noteInPlaceWrite(be, moment.dataId);
  recordDispatch(be, 'WidPenalty', pipeline, bindGroup, gridOf(be, Math.ceil(n / WORKGROUP), maxWorkgroupsOverride ?? undefined), bound);
  dispatches++;
  return tf.engine().makeTensorFromTensorInfo(out);
}
