// The tensor-core matmul's pipelines do not multiply with shapes: a GLUE fine-tune pads its batches to a few lengths
// (length-buckets.ts) and evaluates at another batch size, so its BatchMatMuls come in dozens of shapes, and every
// distinct kernel is a synchronous compile of 0.4-3.4 s on the H100. The kernel's WGSL may depend on a problem only
// through a few flags (transposes, vec4 loads, tile fits, direct store, broadcast, split), never on M, N or K (they
// come from a uniform: constant sizes also unrolled the K loop, ~30 s per pipeline on the H100), so the kernels of
// every shape of a fine-tune are a small fixed set. Pure planning: no device.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseTcVariant, planTcMatMul, tcMatMulWgsl, tcShaderKey, type TcProblem } from '../../src-main/engine/kernels/webgpu-matmul-subgroup.js';
import type { TensorCoreState } from '../../src-main/engine/kernels/webgpu-tensor-cores.js';
import { lengthBuckets } from '../../src-main/engine/glue/length-buckets.js';
import { stepMatMuls } from '../../bench/gpu-matmul-probe.js';

const H100: TensorCoreState = { fragment: { m: 16, n: 16, k: 16 }, subgroupSize: 32, style: 'majorness', configs: [] };
const LIMITS = { maxComputeWorkgroupStorageSize: 49152, maxComputeInvocationsPerWorkgroup: 1024 };

/** Every BatchMatMul of a fine-tune step (encoder forward and backward, no MLM decoder) at rows x length. */
function fineTuneProblems(size: string, rows: number, length: number): (TcProblem & { broadcastA: boolean; broadcastB: boolean })[] {
  return stepMatMuls(size, rows, length, 2).filter((p) => !p.label.includes('decoder'))
    .map((p) => ({ batch: p.batch, m: p.m, n: p.n, k: p.k, transA: p.transA, transB: p.transB, broadcastA: false, broadcastB: false }));
}

/** The shapes of a fine-tune (batch 32, max length 128): full batches, an epoch's last partial ones, evaluation at 64. */
function fineTuneShapes(): [number, number][] {
  const out: [number, number][] = [];
  for (const rows of [32, 64, 31, 13, 7, 1]) for (const len of lengthBuckets(128)) out.push([rows, len]);
  return out;
}

test('a 4L-512H fine-tune\'s BatchMatMuls over every batch shape need at most 10 tensor-core kernels, and a kernel is the same WGSL for every shape it serves', () => {
  const wgslOf = new Map<string, string>();
  const perShape: number[] = [];
  for (const [rows, len] of fineTuneShapes()) {
    const keys = new Set<string>();
    for (const p of fineTuneProblems('4L-512H', rows, len)) {
      const plan = planTcMatMul(p, chooseTcVariant(p, {}), H100, LIMITS);
      const key = tcShaderKey(plan.spec);
      const wgsl = tcMatMulWgsl(plan.spec);
      keys.add(key);
      const seen = wgslOf.get(key);
      if (seen === undefined) wgslOf.set(key, wgsl);
      else assert.equal(wgsl, seen, `${key}: the WGSL differs between shapes that share its key (${rows}x${len}, ${JSON.stringify(p)})`);
    }
    perShape.push(keys.size);
  }
  // 36 batch shapes x 21 products; 10 kernels (transposes x tile fits; a split and an unsplit product share one, the
  // WGSL tells them apart by the uniform): a size in the WGSL would make it one kernel set per shape
  assert.ok(wgslOf.size <= 10, `${wgslOf.size} distinct kernels:\n${[...wgslOf.keys()].join('\n')}`);
  assert.ok(Math.max(...perShape) <= 6, `kernels per shape: ${perShape}`);
});

test('the kernel WGSL holds no problem size: M, N, K and the split length come from the uniform', () => {
  // sizes that fit the same tiles and vec4 loads: the same kernel, character for character
  const base = { batch: 1, transA: false, transB: true, broadcastA: false, broadcastB: false };
  for (const [a, b] of [
    [{ m: 4096, n: 512, k: 512 }, { m: 512, n: 2048, k: 2048 }],
    [{ m: 4096 + 16, n: 512 + 8, k: 512 + 4 }, { m: 1000, n: 300, k: 100 }],
  ] as const) {
    for (const [transA, transB] of [[false, true], [false, false], [true, false], [true, true]] as const) {
      const variant = '64x64x32-2x2';
      const pa = planTcMatMul({ ...base, ...a, transA, transB }, variant, H100, LIMITS);
      const pb = planTcMatMul({ ...base, ...b, transA, transB }, variant, H100, LIMITS);
      assert.equal(tcShaderKey(pa.spec), tcShaderKey(pb.spec));
      const wa = tcMatMulWgsl(pa.spec), wb = tcMatMulWgsl(pb.spec);
      assert.equal(wa, wb, `${JSON.stringify(a)} vs ${JSON.stringify(b)}, ${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}`);
      for (const size of new Set([a.m, a.n, a.k, b.m, b.n, b.k].filter((x) => x > 256))) {
        assert.ok(!new RegExp(`\\b${size}u?\\b`).test(wa), `the WGSL contains the size ${size}`);
      }
    }
  }
});
