import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { runOnSwiftShader, swiftshaderSkip } from '../support/swiftshader.js';
import {
  chooseTcVariant, defaultTcVariant, parseTcVariant, planTcMatMul, setTcMatMulTable, tcMatMulWgsl, tcProblemKey, tcShaderKey,
  tcSharedBytes, tcTileProblem, tcVariantName, withTensorCoreMatMul, DEFAULT_TC_TABLE, FALLBACK_TC_VARIANT, TC_PROBE_VARIANTS,
  type TcShaderSpec,
} from '../../src-main/engine/kernels/webgpu-matmul-subgroup.js';
import type { BuiltinStyle, Fragment, TensorCoreState } from '../../src-main/engine/kernels/webgpu-tensor-cores.js';

const F16: Fragment = { m: 16, n: 16, k: 16 };
const F8: Fragment = { m: 16, n: 8, k: 16 };
const st = (style: BuiltinStyle = 'majorness', fragment = F16): TensorCoreState => ({ fragment, subgroupSize: 32, style, configs: [] });
const H100ISH = { maxComputeWorkgroupStorageSize: 49152, maxComputeInvocationsPerWorkgroup: 1024 };

/** Every shader spec a problem set can produce (each probe variant, both fragments, both builtin styles). */
function allSpecs(): TcShaderSpec[] {
  const problems = [
    { batch: 1, m: 4096, n: 768, k: 768, transA: false, transB: true }, // forward x·Wᵀ
    { batch: 1, m: 4096, n: 768, k: 3072, transA: false, transB: false }, // dX
    { batch: 1, m: 768, n: 3072, k: 4096, transA: true, transB: false }, // dW
    { batch: 1, m: 4096, n: 30522, k: 768, transA: false, transB: true }, // decoder: N % 4 = 2, edge tiles
    { batch: 384, m: 128, n: 64, k: 128, transA: true, transB: true },
    { batch: 3, m: 17, n: 33, k: 45, transA: false, transB: false }, // nothing a multiple of 4 or 16
  ];
  const specs: TcShaderSpec[] = [];
  for (const style of ['majorness', 'legacy'] as const) for (const fragment of [F16, F8]) for (const p of problems) {
    for (const v of [...TC_PROBE_VARIANTS, '64x64x32-2x2-s4']) {
      const plan = planTcMatMul({ ...p, broadcastA: p.batch > 1, broadcastB: false }, v, st(style, fragment), H100ISH);
      specs.push(plan.spec);
    }
  }
  return [...new Map(specs.map((s) => [tcShaderKey(s), s])).values()];
}

test('tensor-core variant names parse, print back and reject tiles the fragment or subgroup size cannot make', () => {
  for (const v of TC_PROBE_VARIANTS) {
    const t = parseTcVariant(v);
    assert.equal(tcVariantName(t), v);
    assert.equal(tcTileProblem(t, F16, 32), null, v);
    assert.equal(tcTileProblem(t, F8, 32), null, v);
  }
  assert.deepEqual(parseTcVariant('128x64x32-4x2-db-s4'), { bm: 128, bn: 64, bk: 32, sm: 4, sn: 2, db: true, splitK: 4 });
  assert.throws(() => parseTcVariant('64x64x32'), /BMxBNxBK-SMxSN/);
  assert.throws(() => parseTcVariant('64x64x24-2x2'), /multiple of 16/);
  assert.match(tcTileProblem(parseTcVariant('48x64x32-2x2'), F16, 32)!, /BM 48/);
  assert.match(tcTileProblem(parseTcVariant('256x256x32-8x8'), F16, 32)!, /2048 threads/);
  assert.match(tcTileProblem(parseTcVariant('64x64x16-4x4'), F16, 32)!, /whole vec4s/); // 512 threads, 256 vec4s per tile
});

test('variant choice: forced > WID_TC_VARIANT > measured table > shape default; the committed table holds valid variants', () => {
  for (const [key, variant] of Object.entries(DEFAULT_TC_TABLE)) {
    assert.match(key, /^\d+x\d+x\d+x\d+[NT][NT]$/);
    assert.equal(tcTileProblem(parseTcVariant(variant), F16, 32), null, `${key}: ${variant}`);
  }
  const p = { batch: 1, m: 768, n: 768, k: 4096, transA: true, transB: false };
  assert.equal(tcProblemKey(p), '1x768x768x4096TN');
  assert.equal(chooseTcVariant(p, {}), DEFAULT_TC_TABLE['1x768x768x4096TN']);
  assert.equal(defaultTcVariant(p), '64x64x32-2x2-s4'); // 144 tiles, long K: split
  assert.equal(defaultTcVariant({ batch: 1, m: 4096, n: 3072, k: 768, transA: false, transB: true }), '64x64x32-2x2');
  assert.equal(defaultTcVariant({ batch: 1, m: 256, n: 256, k: 4096, transA: true, transB: false }), '64x64x32-2x2-s8');
  assert.equal(defaultTcVariant({ batch: 384, m: 128, n: 64, k: 128, transA: false, transB: false }), '64x64x32-2x2');
  setTcMatMulTable({ [tcProblemKey(p)]: '128x128x32-4x2' });
  try {
    assert.equal(chooseTcVariant(p, {}), '128x128x32-4x2');
    assert.equal(chooseTcVariant(p, { WID_TC_VARIANT: '64x64x64-2x2' }), '64x64x64-2x2');
    assert.equal(withTensorCoreMatMul('64x128x32-2x2', () => chooseTcVariant(p, { WID_TC_VARIANT: '64x64x64-2x2' })), '64x128x32-2x2');
    assert.equal(withTensorCoreMatMul(null, () => chooseTcVariant(p, {})), '128x128x32-4x2');
  } finally {
    setTcMatMulTable(DEFAULT_TC_TABLE);
  }
});

test('a variant the device cannot hold falls back to the small one; split K only for batch 1', () => {
  const p = { batch: 1, m: 768, n: 768, k: 4096, transA: true, transB: false, broadcastA: false, broadcastB: false };
  const small = { maxComputeWorkgroupStorageSize: 16384, maxComputeInvocationsPerWorkgroup: 256 };
  const big = planTcMatMul(p, '128x128x32-4x2-db', st(), small);
  assert.equal(big.variant, FALLBACK_TC_VARIANT);
  const split = planTcMatMul(p, '64x64x32-2x2-s4', st(), small);
  assert.deepEqual([split.splits, split.kPerSplit, split.grid], [4, 1024, [12, 12, 4]]);
  assert.equal(split.spec.split, true);
  const batched = planTcMatMul({ ...p, batch: 8 }, '64x64x32-2x2-s4', st(), small);
  assert.deepEqual([batched.splits, batched.grid[2]], [1, 8]);
  // 30522 outputs per row: not a multiple of 4, so no direct fragment stores; last tiles are partial
  const dec = planTcMatMul({ ...p, m: 4096, n: 30522, k: 768, transA: false, transB: true }, '64x64x32-2x2', st(), small);
  assert.deepEqual([dec.spec.directStore, dec.spec.fitN, dec.spec.vecB, dec.grid], [false, false, true, [477, 64, 1]]);
  assert.throws(() => planTcMatMul(p, 'nonsense', st(), { maxComputeWorkgroupStorageSize: 1024, maxComputeInvocationsPerWorkgroup: 256 }), /no variant fits/);
});

test('WGSL: enables f16 and subgroup matrices, sizes come from the uniform (no constant K loop), both builtin spellings', () => {
  const specs = allSpecs();
  assert.ok(specs.length > 100, `${specs.length} distinct kernels`);
  for (const s of specs) {
    const code = tcMatMulWgsl(s);
    assert.match(code, /^enable f16;\nenable chromium_experimental_subgroup_matrix;/);
    assert.match(code, /let K = d\.K;/);
    assert.match(code, /for \(var tile = 0u; tile < numTiles; tile\+\+\)/);
    assert.match(code, /let numTiles = \(kPer \+ \d+u\) \/ \d+u;/);
    assert.doesNotMatch(code, /const [MNK]\b/);
    assert.match(code, /subgroupMatrixMultiplyAccumulate/);
    assert.match(code, new RegExp(`subgroup_matrix_left<f16, ${s.fragment.k}, ${s.fragment.m}>`));
    assert.match(code, new RegExp(`subgroup_matrix_result<f32, ${s.fragment.n}, ${s.fragment.m}>`));
    if (s.style === 'majorness') {
      assert.match(code, /subgroupMatrixLoad<subgroup_matrix_left<f16, \d+, \d+>, (row|col)_major>/);
      assert.match(code, /array<vec4<f16>, \d+>/); // vectorised staging stores
    } else {
      assert.doesNotMatch(code, /_major>/);
    }
    // fp32 in, converted while staging
    assert.match(code, /var<storage, read> A : array<(vec4<f32>|f32)>/);
    assert.match(code, /vec4<f16>\(/);
    assert.ok(tcSharedBytes(s) > 0);
  }
});

test('WGSL: every kernel passes the Tint of node_modules/webgpu (Dawn null backend: parse, types, uniformity)', async () => {
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  const gpu = create(['backend=null', 'enable-dawn-features=allow_unsafe_apis']);
  const adapter = await gpu.requestAdapter({});
  assert.ok(adapter, 'Dawn null adapter');
  const device = await adapter.requestDevice({ requiredFeatures: ['shader-f16', 'subgroups', 'chromium-experimental-subgroup-matrix'] as GPUFeatureName[] });
  const specs = allSpecs();
  const failures: string[] = [];
  for (const s of specs) {
    const module = device.createShaderModule({ code: tcMatMulWgsl(s) });
    const info = await module.getCompilationInfo();
    const errors = info.messages.filter((m) => m.type === 'error' || (s.style === 'majorness' && m.type === 'warning'));
    if (errors.length) failures.push(`${tcShaderKey(s)}: ${errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join(' | ')}`);
  }
  device.destroy();
  assert.deepEqual(failures, []);
});

const child = fileURLToPath(new URL('./webgpu-matmul-subgroup-swiftshader.ts', import.meta.url));

test('on SwiftShader (no shader-f16, no subgroup matrices): tensor cores unavailable with the reason, f16-tc refused, fp32 matmul unchanged; gpu-tc-check\'s reference agrees with it',
  { skip: swiftshaderSkip, timeout: 300_000 }, () => {
    const r = runOnSwiftShader<{ device: string; reason: string | null; available: boolean; refusal: string; precision: string; maxDiff: number; tcDispatches: number; features: string[];
      harness: { label: string; pass: boolean; maxErr: number; bound: number; checked: string }[] }>(child, 280_000);
    assert.match(r.device, /swiftshader/i);
    assert.equal(r.available, false);
    assert.match(r.reason!, /lacks shader-f16/);
    assert.match(r.refusal, /f16-tc needs a webgpu device with shader-f16/);
    assert.equal(r.precision, 'fp32');
    assert.ok(r.maxDiff <= 1e-4, `fp32 matmul vs float64: ${r.maxDiff}`);
    assert.equal(r.tcDispatches, 0);
    // gpu-tc-check's reference and sampling agree with the fp32 kernel far inside the bound on every shape kind
    assert.equal(r.harness.length, 8 + 15);
    for (const h of r.harness) assert.ok(h.pass && h.maxErr <= 1e-3 * h.bound, `${h.label}: err ${h.maxErr} bound ${h.bound} (${h.checked})`);
  });

const nullChild = fileURLToPath(new URL('./webgpu-matmul-subgroup-null.ts', import.meta.url));

for (const style of ['majorness', 'legacy'] as const) {
  test(`on Dawn's null backend (${style} builtins): every variant, gradients, gpu-tc-check and a captured f16-tc step raise no validation error`,
    { timeout: 300_000 }, () => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', nullChild], { encoding: 'utf8', timeout: 280_000, env: { ...process.env, TC_STYLE: style } });
      assert.equal(r.status, 0, (r.stderr ?? '').slice(-3000));
      const res = JSON.parse(r.stdout.trim().split('\n').pop()!) as { device: string; features: string[]; enabledBySelect: string | null; checkAvailable: boolean; checkShapes: number; errors: string[]; tcDispatches: number; gradDispatches: number; fp32Dispatches: number; capturePath: string };
      assert.match(res.device, /null/);
      assert.deepEqual(res.features, ['chromium-experimental-subgroup-matrix', 'shader-f16', 'subgroups']); // requested for tfjs' device
      assert.equal(res.enabledBySelect, 'majorness'); // selectBackend's compile check passed on this device
      assert.equal(res.checkAvailable, true);
      assert.equal(res.checkShapes, 15); // gpu-tc-check ran every 4L-256H step shape
      assert.deepEqual(res.errors, []);
      assert.ok(res.tcDispatches > 400, `${res.tcDispatches} tensor-core dispatches`);
      assert.equal(res.gradDispatches, 3); // forward and both gradient products
      assert.equal(res.fp32Dispatches, 0); // precision fp32: the fp32 kernel even where tensor cores are available
      assert.equal(res.capturePath, 'replay');
    });
}
