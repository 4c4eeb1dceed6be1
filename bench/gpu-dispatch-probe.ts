// `npm run bench -- gpu-dispatch-probe`: what one small GPU op costs on the CPU side, split into
// its parts. Chains of tiny tfjs ops (tensor+tensor, tensor+JS number, tensor+cached scalar), and
// the raw Dawn calls tfjs makes per op (createBuffer mapped at creation, writeBuffer, createBindGroup,
// queue.submit), each repeated N times and timed on the wall clock.
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { selectBackend } from '../src-main/engine/backend/index.js';

async function timeChain(name: string, n: number, f: (y: tf.Tensor, i: number) => tf.Tensor): Promise<{ name: string; usPerOp: number }> {
  const x = tf.tidy(() => tf.randomNormal([4096]).add(0));
  const run = async () => {
    const t0 = performance.now();
    const y = tf.tidy(() => { let y = x; for (let i = 0; i < n; i++) y = f(y, i); return y; });
    await y.data();
    y.dispose();
    return performance.now() - t0;
  };
  await run();
  const ms = await run();
  x.dispose();
  const usPerOp = (1000 * ms) / n;
  console.log(`${name.padEnd(60)} ${usPerOp.toFixed(1).padStart(9)} µs/op`);
  return { name, usPerOp };
}

function timeRaw(name: string, n: number, f: (i: number) => void): { name: string; usPerOp: number } {
  for (let i = 0; i < Math.min(n, 20); i++) f(i);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) f(i);
  const usPerOp = (1000 * (performance.now() - t0)) / n;
  console.log(`${name.padEnd(60)} ${usPerOp.toFixed(1).padStart(9)} µs/op`);
  return { name, usPerOp };
}

export async function main(argv: string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({ args: argv, options: { n: { type: 'string', default: '400' }, label: { type: 'string', default: 'default' } } });
  const n = Number(values.n);
  const selected = await selectBackend('webgpu');
  console.log(`gpu-dispatch-probe [${values.label}] ${selected.device}`);
  const results = [];
  const cached = tf.scalar(1);
  results.push(await timeChain('tf.add(y, y)', n, (y) => tf.add(y, y)));
  results.push(await timeChain('tf.add(y, 1)  (new scalar tensor per op)', n, (y) => tf.add(y, 1)));
  results.push(await timeChain('tf.add(y, cachedScalar)', n, (y) => tf.add(y, cached)));
  results.push(await timeChain('tf.mul(y, cachedScalar)', n, (y) => tf.mul(y, cached)));
  const backend = tf.backend() as unknown as WebGPUBackend;
  const device = (backend as unknown as { device: GPUDevice }).device;
  const bufs: GPUBuffer[] = [];
  results.push(timeRaw('device.createBuffer(16 B, MAP_WRITE|COPY_SRC, mappedAtCreation)', n, () => {
    const b = device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_WRITE | GPUBufferUsage.COPY_SRC, mappedAtCreation: true });
    new Float32Array(b.getMappedRange()).set([1]);
    b.unmap();
    bufs.push(b);
  }));
  results.push(timeRaw('buffer.destroy() of those', bufs.length, (i) => bufs[i]?.destroy()));
  const storage = device.createBuffer({ size: 16384, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC });
  const uniform = device.createBuffer({ size: 64, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  results.push(timeRaw('device.createBuffer(16 KB storage) + destroy', n, () => {
    device.createBuffer({ size: 16384, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC }).destroy();
  }));
  const data = new Float32Array(16);
  results.push(timeRaw('queue.writeBuffer(64 B uniform)', n, () => device.queue.writeBuffer(uniform, 0, data)));
  const module = device.createShaderModule({ code: `
    @group(0) @binding(0) var<storage, read_write> a: array<f32>;
    @group(0) @binding(1) var<uniform> u: vec4<f32>;
    @compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3<u32>) { if (g.x < 4096u) { a[g.x] = a[g.x] + u.x; } }` });
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  const layout = pipeline.getBindGroupLayout(0);
  results.push(timeRaw('pipeline.getBindGroupLayout(0)', n, () => pipeline.getBindGroupLayout(0)));
  results.push(timeRaw('device.createBindGroup(2 entries)', n, () => device.createBindGroup({ layout, entries: [{ binding: 0, resource: { buffer: storage } }, { binding: 1, resource: { buffer: uniform } }] })));
  const bg = device.createBindGroup({ layout, entries: [{ binding: 0, resource: { buffer: storage } }, { binding: 1, resource: { buffer: uniform } }] });
  results.push(timeRaw('encoder + pass + 1 dispatch + submit', n, () => {
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline); pass.setBindGroup(0, bg); pass.dispatchWorkgroups(64); pass.end();
    device.queue.submit([enc.finish()]);
  }));
  results.push(timeRaw('1 pass with N dispatches, 1 submit (per dispatch)', 1, () => {
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    for (let i = 0; i < n; i++) { pass.setBindGroup(0, bg); pass.dispatchWorkgroups(64); }
    pass.end();
    device.queue.submit([enc.finish()]);
  }));
  results[results.length - 1].usPerOp /= n;
  console.log(`  (= ${results[results.length - 1].usPerOp.toFixed(1)} µs per dispatch)`);
  const t0 = performance.now();
  await device.queue.onSubmittedWorkDone();
  console.log(`queue.onSubmittedWorkDone() after the above: ${(performance.now() - t0).toFixed(1)} ms`);
  const t1 = performance.now();
  await device.queue.onSubmittedWorkDone();
  console.log(`queue.onSubmittedWorkDone() on an idle queue (sync latency): ${(performance.now() - t1).toFixed(2)} ms`);
  return { label: values.label, device: selected.device, results };
}
