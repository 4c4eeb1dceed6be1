// `npm run bench -- gpu-compile-probe`: does this Dawn compile compute pipelines in parallel? N distinct
// shaders (a tiled matmul of the size of tfjs' own, each with its own constant so neither Dawn's nor the
// driver's cache can share them) created one after another with createComputePipeline, then N others all
// at once with createComputePipelineAsync. A ratio well above 1 means a step's first run could compile its
// pipelines together instead of one at a time (a GLUE task's first steps, a capture's recording step).
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src-main/engine/backend/index.js';

/** A 32×32-tile matmul (K from a uniform, so no loop is unrolled over it); `salt` makes every shader distinct. */
export function probeShader(salt: number): string {
  return `
struct Dims { m: u32, n: u32, k: u32, pad: u32 }
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
@group(0) @binding(3) var<uniform> d: Dims;
var<workgroup> ta: array<array<f32, 32>, 32>;
var<workgroup> tb: array<array<f32, 32>, 32>;
@compute @workgroup_size(8, 8)
fn main(@builtin(local_invocation_id) l: vec3<u32>, @builtin(workgroup_id) w: vec3<u32>) {
  var acc: array<array<f32, 4>, 4>;
  for (var t = 0u; t < d.k; t = t + 32u) {
    for (var i = 0u; i < 4u; i = i + 1u) {
      for (var j = 0u; j < 4u; j = j + 1u) {
        let r = l.y * 4u + i; let q = l.x * 4u + j;
        ta[r][q] = a[min((w.y * 32u + r) * d.k + t + q, arrayLength(&a) - 1u)];
        tb[r][q] = b[min((t + r) * d.n + w.x * 32u + q, arrayLength(&b) - 1u)];
      }
    }
    workgroupBarrier();
    for (var k = 0u; k < 32u; k = k + 1u) {
      for (var i = 0u; i < 4u; i = i + 1u) {
        for (var j = 0u; j < 4u; j = j + 1u) { acc[i][j] = fma(ta[l.y * 4u + i][k], tb[k][l.x * 4u + j], acc[i][j]); }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i = i + 1u) {
    for (var j = 0u; j < 4u; j = j + 1u) {
      let r = w.y * 32u + l.y * 4u + i; let q = w.x * 32u + l.x * 4u + j;
      if (r < d.m && q < d.n) { c[r * d.n + q] = acc[i][j] * ${salt}.0 + ${(salt * 0.5).toFixed(1)}; }
    }
  }
}`;
}

export async function main(argv: string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({ args: argv, options: { n: { type: 'string', default: '48' }, label: { type: 'string', default: 'default' } } });
  const n = Number(values.n);
  if (!Number.isInteger(n) || n < 1) throw new Error(`gpu-compile-probe: --n must be a positive integer, got "${values.n}"`);
  const selected = await selectBackend('webgpu');
  const device = (tf.backend() as unknown as { device: GPUDevice }).device;
  const seed = Math.floor(Date.now() % 100000) * 1000; // a fresh set each run: no driver cache from an earlier one
  const descriptor = (i: number): GPUComputePipelineDescriptor =>
    ({ layout: 'auto', compute: { module: device.createShaderModule({ code: probeShader(seed + i) }), entryPoint: 'main' } });
  const t0 = performance.now();
  for (let i = 0; i < n; i++) device.createComputePipeline(descriptor(i));
  const serialMs = performance.now() - t0;
  const t1 = performance.now();
  await Promise.all(Array.from({ length: n }, (_, i) => device.createComputePipelineAsync(descriptor(n + i))));
  const parallelMs = performance.now() - t1;
  const t2 = performance.now();
  for (let i = 0; i < n; i++) device.createComputePipeline(descriptor(i));
  const againMs = performance.now() - t2;
  const record = {
    label: values.label, device: selected.device, pipelines: n,
    serialMsPerPipeline: serialMs / n, asyncAllMsPerPipeline: parallelMs / n, speedup: serialMs / parallelMs,
    sameShadersAgainMsPerPipeline: againMs / n,
  };
  console.log(`gpu-compile-probe [${values.label}] ${selected.device}: ${n} pipelines serial ${serialMs.toFixed(0)} ms `
    + `(${record.serialMsPerPipeline.toFixed(1)} each), all async ${parallelMs.toFixed(0)} ms: ${record.speedup.toFixed(2)}x; `
    + `the first ${n} again ${againMs.toFixed(0)} ms`);
  return record;
}
