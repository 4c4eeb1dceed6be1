// GPU time of one tfjs call on the webgpu backend, as the matmul probes measure it.
import * as tf from '@tensorflow/tfjs';

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

/**
 * GPU ms of one call: median over `reps` of tf.time around `inner` back-to-back calls (kernelMs sums the
 * timestamp-query time of every program they ran), divided by `inner`; `firstMs` is the wall time of the first call
 * (compile + warm). Back-to-back keeps the GPU's clocks up: single calls between readbacks (the first device call)
 * read 2-3x slower than in a step.
 */
export async function gpuMs(fn: () => tf.Tensor, reps: number, inner: number): Promise<{ ms: number; firstMs: number }> {
  const t0 = performance.now();
  const w = fn(); await w.data(); w.dispose();
  const firstMs = performance.now() - t0;
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const rs: tf.Tensor[] = [];
    const info = await tf.time(() => { for (let j = 0; j < inner; j++) { rs.push(fn()); if (rs.length > 2) rs.shift()!.dispose(); } });
    tf.dispose(rs);
    times.push((info.kernelMs as number) / inner);
  }
  return { ms: median(times), firstMs };
}
