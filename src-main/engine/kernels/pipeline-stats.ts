// How many compute pipelines the device compiled and the milliseconds they took (synchronous creations block
// the step that needs them; asynchronous ones are timed from the call to their promise). A GLUE task's first
// steps pay for every shape's pipelines: this is what the fine-tune benchmark reports beside the task's time.

interface PipelineStats { sync: number; syncMs: number; async: number; asyncMs: number }

const stats: PipelineStats = { sync: 0, syncMs: 0, async: 0, asyncMs: 0 };
const wrapped = new WeakSet<object>();

/** Wraps the device's pipeline creation once; creations after it are counted. */
export function trackPipelines(device: GPUDevice): void {
  if (wrapped.has(device)) return;
  wrapped.add(device);
  const sync = device.createComputePipeline.bind(device);
  const async = device.createComputePipelineAsync.bind(device);
  device.createComputePipeline = (d: GPUComputePipelineDescriptor) => {
    const t = performance.now();
    try { return sync(d); } finally { stats.sync++; stats.syncMs += performance.now() - t; }
  };
  device.createComputePipelineAsync = (d: GPUComputePipelineDescriptor) => {
    const t = performance.now();
    return async(d).finally(() => { stats.async++; stats.asyncMs += performance.now() - t; });
  };
}

export const pipelineStats = (): PipelineStats => ({ ...stats });
