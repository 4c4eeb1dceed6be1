// tfjs-webgpu's buffer pool: its size is the engine's GPU memory figure (the pool only grows, so a
// benchmark empties it of free buffers first and then reads its own peak).
import * as tf from '@tensorflow/tfjs';

type Mem = tf.MemoryInfo & { numBytesAllocatedInGPU?: number; numBytesInGPU?: number };

/** Bytes the backend holds on the GPU (webgpu: pool, free buffers included); null off the GPU. */
export function gpuPoolBytes(): number | null {
  const m = tf.memory() as Mem;
  return m.numBytesAllocatedInGPU ?? m.numBytesInGPU ?? null;
}

/** Destroys the free buffers of tfjs-webgpu's pool (keeps the keys: an empty map marks a disposed manager). No-op elsewhere. */
export async function trimGpuPool(): Promise<void> {
  const be = tf.backend() as unknown as { bufferManager?: { freeBuffers: Map<string, { size: number; destroy(): void }[]>; numFreeBuffers: number; numBytesAllocated: number } };
  const bm = be.bufferManager;
  if (!bm) return;
  const probe = tf.zeros([4096]).add(1); // 4096: above tfjs' CPU forwarding; its read waits for the queue
  await probe.data();
  probe.dispose();
  for (const list of bm.freeBuffers.values()) {
    for (const b of list) { bm.numBytesAllocated -= b.size; b.destroy(); }
    list.length = 0;
  }
  bm.numFreeBuffers = 0;
}
