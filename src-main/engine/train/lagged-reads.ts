// Reads per-step scalars (loss, gradient norm) a few steps behind the step that made them. A read-back
// every step makes the CPU wait for the GPU to drain its queue before it may issue the next step; reading a
// batch of them every N steps keeps the GPU fed, and works on backends that have no synchronous reads
// (webgpu in Node). The values still arrive in step order, each with the step that made it.
import * as tf from '@tensorflow/tfjs';

export interface LaggedValue<T> { values: number[]; tag: T }

export class LaggedReads<T> {
  private pending: { tensor: tf.Tensor1D; tag: T }[] = [];

  /** `every`: read once this many values are waiting (1 = every step, as before). */
  constructor(private readonly every: number) {
    if (!Number.isInteger(every) || every < 1) throw new Error(`LaggedReads: every must be a positive integer, got ${every}`);
  }

  /** Takes ownership of `tensor` (a 1-D tensor of the step's values); returns what is due, in order. */
  async push(tensor: tf.Tensor1D, tag: T): Promise<LaggedValue<T>[]> {
    this.pending.push({ tensor, tag });
    return this.pending.length >= this.every ? this.flush() : [];
  }

  /** Reads everything still waiting (end of an epoch, before evaluation or a checkpoint). */
  async flush(): Promise<LaggedValue<T>[]> {
    const batch = this.pending;
    this.pending = [];
    if (!batch.length) return [];
    try {
      const width = batch[0].tensor.shape[0];
      const all = tf.tidy(() => tf.concat(batch.map((p) => p.tensor)));
      const data = await all.data();
      all.dispose();
      return batch.map((p, i) => ({ values: Array.from(data.subarray(i * width, (i + 1) * width)), tag: p.tag }));
    } finally {
      for (const p of batch) p.tensor.dispose();
    }
  }

  /** Drops what is waiting without reading it (on an error or cancel). */
  dispose(): void {
    for (const p of this.pending) p.tensor.dispose();
    this.pending = [];
  }
}
