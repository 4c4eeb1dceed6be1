// A mask event of the authors' schedule without waiting for the GPU (docs/wid.md §3, "mask events on the device").
//
// The masks were chosen on the CPU: the event read the scores back (1 + 2·layers reads), which drains the queue, so
// the GPU idled while the CPU chose the masks, uploaded the keep vectors and encoded the next step. A short run
// (wStep = 1) did that after every step. Here the keep vectors are computed on the device from the score tensors with
// the same rule as topK/pruneMasks (pruning-schedule.ts: the k largest scores, ties to the lower position) and
// written in place; the scores are copied to a mappable buffer at once and read back later (stagedRead), when the
// CPU needs the masks themselves (mask log, checkpoint, export). The keep values are 0/1 either way: the step sees the
// same values as with the CPU's masks.
import * as tf from '@tensorflow/tfjs';
import type { BertConfig } from '../../bert/index.js';
import type { WidSizes } from '../common/student-size.js';
import { activeWebgpu, bufferOf, flushTfjs } from '../../capture/webgpu-internals.js';
import type { DimScores, DimScoreTensors } from './importance.js';

/** 1 where a score is among the k largest of its row (ties: the lower position wins, as topK), else 0. Rows: [r, n]. */
export function keepTopK(scores: tf.Tensor2D, k: number): tf.Tensor2D {
  return tf.tidy(() => {
    const n = scores.shape[1];
    const idx = tf.range(0, n, 1, 'int32');
    const si = scores.expandDims(2), sj = scores.expandDims(1); // [r, n(i), 1], [r, 1, n(j)]
    const jBeforeI = tf.less(idx.expandDims(0), idx.expandDims(1)); // [i][j] = j < i
    const beats = tf.logicalOr(tf.greater(sj, si), tf.logicalAnd(tf.equal(sj, si), jBeforeI)); // j ranks before i
    const rank = tf.sum(tf.cast(beats, 'int32'), 2);
    // tf.where, not a cast of the bool: on webgpu a cast bool -> float32 may keep the integer bits in its buffer (its
    // tensorData's dtype says so), and assignInPlace copies the buffer's bytes into the float keep vectors
    const keep = tf.less(rank, k);
    return tf.where(keep, tf.ones(scores.shape, 'float32'), tf.zeros(scores.shape, 'float32')) as tf.Tensor2D;
  });
}

/** Whether the keep vectors of `sizes` can be chosen on the device: every head kept (the 'dim' strategy), so no head sums. */
export const deviceKeepApplies = (cfg: BertConfig, sizes: WidSizes): boolean => sizes.heads === cfg.numAttentionHeads;

/**
 * The keep vectors (penalty.ts keepVectors' `1` group) of pruneMasks(full, scores, sizes), from the score tensors of
 * the full masks, on the device. Requires deviceKeepApplies.
 */
export function deviceKeep(cfg: BertConfig, t: DimScoreTensors, sizes: WidSizes): { residual: tf.Tensor1D; attention: tf.Tensor1D[]; intermediate: tf.Tensor1D[] } {
  if (!deviceKeepApplies(cfg, sizes)) throw new Error('deviceKeep: only when every head is kept');
  const d = cfg.hiddenSize / cfg.numAttentionHeads;
  const row = (x: tf.Tensor1D, k: number) => tf.tidy(() => keepTopK(x.reshape([1, x.size]), k).reshape([x.size]) as tf.Tensor1D);
  return {
    residual: row(t.residual, sizes.hidden),
    attention: t.attention.map((a) => tf.tidy(() => keepTopK(a.reshape([cfg.numAttentionHeads, d]), sizes.headDim).reshape([a.size]) as tf.Tensor1D)),
    intermediate: t.intermediate.map((x) => row(x, sizes.intermediate)),
  };
}

/** A read started now and awaited later: `done` once its values are on the CPU. */
export interface StagedRead { readonly values: Promise<Float32Array>; readonly done: () => boolean }

/**
 * Copies `t` (float32) to a mappable buffer in a submit of its own and starts mapping it: the map waits for the work
 * submitted so far, not for the steps encoded after this call (tfjs' data() copies when it is called, behind them).
 * Off webgpu: t.data(). `t` may be disposed after the call.
 */
export function stagedRead(t: tf.Tensor): StagedRead {
  let finished = false;
  const be = activeWebgpu();
  let values: Promise<Float32Array>;
  if (!be) {
    values = (t.data() as Promise<Float32Array>).then((v) => Float32Array.from(v));
  } else {
    if (t.dtype !== 'float32') throw new Error(`stagedRead: float32 only, got ${t.dtype}`);
    const bytes = 4 * t.size;
    const src = bufferOf(be, t);
    flushTfjs(be); // the commands that compute t first
    const staging = be.device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const enc = be.device.createCommandEncoder();
    enc.copyBufferToBuffer(src, 0, staging, 0, bytes);
    be.device.queue.submit([enc.finish()]);
    values = staging.mapAsync(GPUMapMode.READ).then(() => {
      const out = new Float32Array(staging.getMappedRange().slice(0));
      staging.unmap();
      staging.destroy();
      return out;
    });
  }
  values = values.then((v) => { finished = true; return v; });
  return { values, done: () => finished };
}

/** The score tensors as one 1-D tensor (residual, attention by layer, intermediate by layer), and its inverse. */
export function concatScores(t: DimScoreTensors): tf.Tensor1D {
  return tf.concat([t.residual, ...t.attention, ...t.intermediate]) as tf.Tensor1D;
}

export function splitScores(cfg: BertConfig, v: Float32Array): DimScores {
  let at = 0;
  const take = (n: number) => { const out = Array.from(v.subarray(at, at + n)); at += n; return out; };
  const residual = take(cfg.hiddenSize);
  const attention = Array.from({ length: cfg.numHiddenLayers }, () => take(cfg.hiddenSize));
  const intermediate = Array.from({ length: cfg.numHiddenLayers }, () => take(cfg.intermediateSize));
  if (at !== v.length) throw new Error(`splitScores: ${v.length} values for ${at}`);
  return { residual, attention, intermediate };
}
