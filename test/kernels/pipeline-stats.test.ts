import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pipelineStats, trackPipelines } from '../../src-main/engine/kernels/pipeline-stats.js';

test('trackPipelines counts synchronous and asynchronous pipeline creations once per device, failures included', async () => {
  let made = 0;
  const device = {
    createComputePipeline: (d: { label?: string }) => { made++; if (d.label === 'bad') throw new Error('compile error'); return { label: d.label }; },
    createComputePipelineAsync: async (d: { label?: string }) => { made++; return { label: d.label }; },
  } as unknown as GPUDevice;
  const before = pipelineStats();
  trackPipelines(device);
  trackPipelines(device); // a second call must not wrap twice (it would count each creation twice)
  const p = device.createComputePipeline({ label: 'a' } as GPUComputePipelineDescriptor);
  assert.equal((p as unknown as { label: string }).label, 'a', 'the real pipeline comes back');
  assert.throws(() => device.createComputePipeline({ label: 'bad' } as GPUComputePipelineDescriptor), /compile error/);
  await device.createComputePipelineAsync({ label: 'b' } as GPUComputePipelineDescriptor);
  const after = pipelineStats();
  assert.equal(made, 3);
  assert.equal(after.sync - before.sync, 2);
  assert.equal(after.async - before.async, 1);
  assert.ok(after.syncMs >= before.syncMs && after.asyncMs >= before.asyncMs);
});
