// Per-kernel GPU time of one call (tfjs' profile: on webgpu each kernel is timed by timestamp queries), grouped
// by kernel name and, for the matmuls, by shape: where a step's time goes and which matmul shapes run slowly.
import * as tf from '@tensorflow/tfjs';

export interface KernelShare { kernel: string; count: number; ms: number; share: number }
export interface MatmulShare { shapes: string; count: number; ms: number; gflop: number; tflops: number }
export interface KernelProfile {
  totalKernelMs: number; kernels: number; top: KernelShare[]; matmuls: MatmulShare[];
  /** GPU ms of the matmul kernels (BatchMatMul, _FusedMatMul, WidMatMulBias: kernels/matmul-bias.ts) and of the rest. */
  matmulMs: number; nonMatmulMs: number;
}

const MATMUL_KERNELS = new Set(['BatchMatMul', '_FusedMatMul', 'WidMatMulBias']);

/** FLOPs of a batched matmul from its output shape and the contracted size (2 per multiply-add). */
function matmulFlops(aShape: number[], outShape: number[]): number {
  const out = outShape.reduce((x, y) => x * y, 1);
  // the contracted size is the one dim of A not in the output's last-two dims; tfjs keeps A as [b, m, k] or [b, k, m]
  const [m] = outShape.slice(-2);
  const [a1, a2] = aShape.slice(-2);
  const k = a1 === m && a2 !== m ? a2 : a2 === m && a1 !== m ? a1 : Math.min(a1, a2);
  return 2 * out * k;
}

export async function profileKernels(label: string, run: () => tf.TensorContainer, opts: { print?: number } = {}): Promise<KernelProfile> {
  const info = await tf.profile(run);
  const by = new Map<string, { count: number; ms: number }>();
  const mm = new Map<string, { count: number; ms: number; flop: number }>();
  let total = 0, matmulMs = 0;
  for (const k of info.kernels) {
    const ms = Number(await (k.kernelTimeMs as unknown as Promise<number | { error: string }>)) || 0;
    total += ms;
    const e = by.get(k.name) ?? { count: 0, ms: 0 };
    e.count++; e.ms += ms;
    by.set(k.name, e);
    if (MATMUL_KERNELS.has(k.name)) matmulMs += ms;
    if (MATMUL_KERNELS.has(k.name) && k.inputShapes?.[0] && k.outputShapes?.[0]) {
      const key = `${k.inputShapes.slice(0, 2).map((s) => `[${s?.join(',')}]`).join('x')} -> [${k.outputShapes[0].join(',')}]`;
      const m = mm.get(key) ?? { count: 0, ms: 0, flop: 0 };
      m.count++; m.ms += ms; m.flop += matmulFlops(k.inputShapes[0] as number[], k.outputShapes[0] as number[]);
      mm.set(key, m);
    }
  }
  const top = [...by.entries()].map(([kernel, e]) => ({ kernel, count: e.count, ms: e.ms, share: e.ms / Math.max(total, 1e-9) }))
    .sort((a, b) => b.ms - a.ms);
  const matmuls = [...mm.entries()].map(([shapes, m]) => ({ shapes, count: m.count, ms: m.ms, gflop: m.flop / 1e9, tflops: m.ms > 0 ? m.flop / m.ms / 1e9 : 0 }))
    .sort((a, b) => b.ms - a.ms);
  const n = opts.print ?? 25;
  console.log(`profile ${label}: ${info.kernels.length} kernels, ${total.toFixed(1)} ms of GPU time (matmul kernels ${matmulMs.toFixed(2)} ms, the rest ${(total - matmulMs).toFixed(2)} ms)`);
  for (const t of top.slice(0, n)) console.log(`  ${t.kernel.padEnd(28)} x${String(t.count).padEnd(5)} ${t.ms.toFixed(2).padStart(9)} ms  ${(100 * t.share).toFixed(1)}%`);
  console.log(`  matmuls by shape (A x B -> out):`);
  for (const m of matmuls.slice(0, n)) console.log(`    ${m.shapes.padEnd(48)} x${String(m.count).padEnd(4)} ${m.ms.toFixed(2).padStart(8)} ms  ${m.tflops.toFixed(1).padStart(6)} TFLOP/s`);
  return { totalKernelMs: total, kernels: info.kernels.length, top, matmuls, matmulMs, nonMatmulMs: total - matmulMs };
}
