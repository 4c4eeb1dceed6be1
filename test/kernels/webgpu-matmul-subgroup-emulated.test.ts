// The tensor-core matmul's generated WGSL run by a CPU emulator (test/support/wgsl-subgroup-emulator.ts) on small
// problems: every transpose combination, edges in M, N and K, vec4 and scalar loads, direct and scratch-staged
// stores, double buffering, split K, a broadcast batch, both fragment shapes and both builtin spellings. Outputs
// start as NaN; the result must match a float64 product of the f16-rounded inputs within the f32 roundings of the
// accumulation. This checks the kernel's indexing and bounds, not Dawn's or the GPU's subgroup matrices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emulateKernel, toF16 } from '../support/wgsl-subgroup-emulator.js';
import { planTcMatMul, tcMatMulWgsl, tcShaderKey } from '../../src-main/engine/kernels/webgpu-matmul-subgroup.js';
import type { BuiltinStyle, Fragment } from '../../src-main/engine/kernels/webgpu-tensor-cores.js';

interface Case { batch: number; m: number; n: number; k: number; ta: boolean; tb: boolean; variant: string; sg?: number; style?: BuiltinStyle; frag?: Fragment; bcastB?: boolean }

let seed = 12345;
const rnd = () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed / 2 ** 31 - 1; };

function run(c: Case): { worstRatio: number; nan: number; key: string } {
  const sg = c.sg ?? 8, style = c.style ?? 'majorness', frag = c.frag ?? { m: 16, n: 16, k: 16 };
  const plan = planTcMatMul({ batch: c.batch, m: c.m, n: c.n, k: c.k, transA: c.ta, transB: c.tb, broadcastA: false, broadcastB: !!c.bcastB },
    c.variant, { fragment: frag, subgroupSize: sg, style, configs: [] }, { maxComputeWorkgroupStorageSize: 65536, maxComputeInvocationsPerWorkgroup: 1024 });
  assert.equal(plan.variant, c.variant, 'the variant fits');
  const bB = c.bcastB ? 1 : c.batch;
  const A = Float32Array.from({ length: c.batch * c.m * c.k }, rnd), B = Float32Array.from({ length: bB * c.k * c.n }, rnd);
  const out = new Float32Array(plan.grid[2] * c.m * c.n).fill(NaN);
  emulateKernel(tcMatMulWgsl(plan.spec), { storage: { A, B, C: out }, uniform: { M: c.m, N: c.n, K: c.k, kPer: plan.kPerSplit }, grid: plan.grid, subgroupSize: sg });
  let C = out;
  if (plan.splits > 1) { // what SplitKSumProgram does
    C = new Float32Array(c.m * c.n);
    for (let i = 0; i < C.length; i++) { let s = 0; for (let z = 0; z < plan.splits; z++) s += out[z * C.length + i]; C[i] = s; }
  }
  let worstRatio = 0, nan = 0;
  for (let z = 0; z < c.batch; z++) for (let i = 0; i < c.m; i++) for (let j = 0; j < c.n; j++) {
    let s = 0, abs = 0;
    const za = z * c.m * c.k, zb = (c.bcastB ? 0 : z) * c.k * c.n;
    for (let q = 0; q < c.k; q++) {
      const a = toF16(c.ta ? A[za + q * c.m + i] : A[za + i * c.k + q]);
      const b = toF16(c.tb ? B[zb + j * c.k + q] : B[zb + q * c.n + j]);
      s += a * b; abs += Math.abs(a * b);
    }
    const got = C[z * c.m * c.n + i * c.n + j];
    if (!Number.isFinite(got)) { nan++; continue; }
    const tol = (c.k / frag.k + plan.splits + 1) * 2 ** -23 * abs + 1e-30;
    worstRatio = Math.max(worstRatio, Math.abs(got - s) / tol);
  }
  return { worstRatio, nan, key: tcShaderKey(plan.spec) };
}

const CASES: [string, Case][] = [
  ...(['majorness', 'legacy'] as const).flatMap((style) => [[false, false], [false, true], [true, false], [true, true]].map(([ta, tb]): [string, Case] =>
    [`17x33x45 ${ta ? 'T' : 'N'}${tb ? 'T' : 'N'} ${style}: nothing fits a tile or a vec4`, { batch: 1, m: 17, n: 33, k: 45, ta, tb, variant: '64x64x32-2x2', style }])),
  ['64x64x64 NT, 32-lane subgroups, double-buffered: whole tiles, vec4 loads, direct stores', { batch: 1, m: 64, n: 64, k: 64, ta: false, tb: true, variant: '64x64x32-2x2-db', sg: 32 }],
  ['80x72x48 TN: vec4 loads, edge tiles in M and N beside whole fragments stored directly', { batch: 1, m: 80, n: 72, k: 48, ta: true, tb: false, variant: '64x64x32-2x2' }],
  ['80x72x48 TN legacy, double-buffered', { batch: 1, m: 80, n: 72, k: 48, ta: true, tb: false, variant: '64x64x32-2x2-db', style: 'legacy' }],
  ['40x24x300 TN split in 3', { batch: 1, m: 40, n: 24, k: 300, ta: true, tb: false, variant: '64x64x32-2x2-s3' }],
  ['40x24x300 NT split in 4, double-buffered', { batch: 1, m: 40, n: 24, k: 300, ta: false, tb: true, variant: '64x64x32-2x2-db-s4' }],
  ['batch 3 with B broadcast, 20x12x36 NN', { batch: 3, m: 20, n: 12, k: 36, ta: false, tb: false, variant: '64x64x32-2x2', bcastB: true }],
  ['batch 2, 24x20x32 TT', { batch: 2, m: 24, n: 20, k: 32, ta: true, tb: true, variant: '64x64x32-2x2' }],
  ['16x8x16 fragments, 17x33x45 NT', { batch: 1, m: 17, n: 33, k: 45, ta: false, tb: true, variant: '64x64x32-2x2', frag: { m: 16, n: 8, k: 16 } }],
  ['16x8x16 fragments, 64x64x32 NN whole tiles', { batch: 1, m: 64, n: 64, k: 32, ta: false, tb: false, variant: '64x64x32-2x2', frag: { m: 16, n: 8, k: 16 } }],
  ['128x128x32 tiles of 4x2 subgroups over 130x136x40 NN (4 workgroups)', { batch: 1, m: 130, n: 136, k: 40, ta: false, tb: false, variant: '128x128x32-4x2-db', sg: 4 }],
  ['BK 64, 64x64x64 tiles over 66x68x100 NT', { batch: 1, m: 66, n: 68, k: 100, ta: false, tb: true, variant: '64x64x64-2x2' }],
  ['128x64x64 tiles of 4x2 subgroups over 130x70x90 TT', { batch: 1, m: 130, n: 70, k: 90, ta: true, tb: true, variant: '128x64x64-4x2', sg: 4 }],
  ['one output column, 64x1x64 NN', { batch: 1, m: 64, n: 1, k: 64, ta: false, tb: false, variant: '64x64x32-2x2' }],
];

for (const [name, c] of CASES) {
  test(`emulated tensor-core kernel: ${name}`, { timeout: 300_000 }, () => {
    const r = run(c);
    assert.equal(r.nan, 0, `${r.nan} outputs left unwritten (${r.key})`);
    assert.ok(r.worstRatio <= 1, `error ${r.worstRatio.toFixed(2)}x the f32-accumulation tolerance (${r.key})`);
  });
}
