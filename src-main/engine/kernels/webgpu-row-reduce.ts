// Pieces the workbench's one-workgroup-per-row webgpu kernels share (attention softmax, cross-entropy).

/** A 1-D grid of `groups` workgroups, or rows of 65535 where it exceeds the per-dimension limit. */
export const rowGrid = (groups: number): [number, number, number] =>
  groups > 65535 ? [65535, Math.ceil(groups / 65535), 1] : [groups, 1, 1];

/** WGSL: `op`-reduce red[] (a workgroup array of `size` floats) across the workgroup; every thread may read red[0] after. */
export const workgroupReduce = (op: 'max' | 'sum', size: number) => `
  workgroupBarrier();
  for (var k = ${size / 2}; k > 0; k = k / 2) {
    if (tid < k) { red[tid] = ${op === 'max' ? 'max(red[tid], red[tid + k])' : 'red[tid] + red[tid + k]'}; }
    workgroupBarrier();
  }`;
