import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runOnSwiftShader, swiftshaderSkip } from '../support/swiftshader.js';
import {
  chooseMatMulVariant, defaultVariant, parseVariant, problemKey, setMatMulTable, sharedBytesOf, threadsOf,
  variantName, withMatMulVariant, PROBE_VARIANTS, DEFAULT_MATMUL_TABLE,
} from '../../src-main/engine/kernels/webgpu-matmul.js';

test('tile variant names parse, print back and reject impossible tiles', () => {
  for (const v of PROBE_VARIANTS) assert.equal(variantName(parseVariant(v)), v);
  const t = parseVariant('128x128x16-8x8-db-s4');
  assert.deepEqual(t, { bm: 128, bn: 128, bk: 16, tm: 8, tn: 8, db: true, splitK: 4 });
  assert.equal(threadsOf(t), 256);
  assert.equal(sharedBytesOf(t), 2 * 16 * 256 * 4);
  assert.throws(() => parseVariant('128x128x16'), /BMxBNxBK/);
  assert.throws(() => parseVariant('128x128x16-6x8'), /multiples of 4/);
  assert.throws(() => parseVariant('64x64x8-4x4'), /whole vec4s/); // 256 threads, 128 vec4s per tile
  assert.throws(() => parseVariant('16x16x4-4x4'), /threads/);
  for (const v of Object.values(DEFAULT_MATMUL_TABLE)) if (v !== 'tfjs') parseVariant(v);
});

test('variant choice: forced > WID_MATMUL_VARIANT > measured table > shape heuristic', () => {
  const p = { batch: 1, m: 768, n: 768, k: 4096, transA: true, transB: false };
  assert.equal(problemKey(p), '1x768x768x4096TN');
  const fallback = defaultVariant(p);
  assert.match(fallback, /-s\d+$/); // few output tiles, long K: split K
  assert.equal(fallback, '128x128x16-8x8-s8');
  assert.equal(defaultVariant({ batch: 1, m: 4096, n: 768, k: 30522, transA: false, transB: false }), '128x128x16-8x8-s4');
  assert.equal(defaultVariant({ batch: 1, m: 4096, n: 3072, k: 768, transA: false, transB: true }), '128x128x16-8x8');
  assert.equal(defaultVariant({ batch: 1, m: 4096, n: 768, k: 768, transA: false, transB: true }), '128x64x16-8x8');
  assert.equal(defaultVariant({ batch: 384, m: 128, n: 64, k: 128, transA: true, transB: false }), '128x64x16-8x8');
  assert.equal(defaultVariant({ batch: 8, m: 100, n: 60, k: 50, transA: false, transB: false }), '64x64x16-4x4');
  setMatMulTable({ [problemKey(p)]: '64x64x16-4x4' });
  try {
    assert.equal(chooseMatMulVariant(p, {}), '64x64x16-4x4');
    assert.equal(chooseMatMulVariant(p, { WID_MATMUL_VARIANT: 'tfjs' }), 'tfjs');
    assert.equal(withMatMulVariant('128x64x16-8x8', () => chooseMatMulVariant(p, { WID_MATMUL_VARIANT: 'tfjs' })), '128x64x16-8x8');
    assert.equal(chooseMatMulVariant({ ...p, k: 4095 }, {}), defaultVariant({ ...p, k: 4095 }));
  } finally {
    setMatMulTable(DEFAULT_MATMUL_TABLE);
  }
  // the committed table covers the BERT-base step's shapes (forward Linear is x·Wᵀ: NT)
  assert.equal(chooseMatMulVariant({ batch: 1, m: 4096, n: 30522, k: 768, transA: false, transB: true }, {}), DEFAULT_MATMUL_TABLE['1x4096x30522x768NT']);
  assert.equal(chooseMatMulVariant(p, {}), DEFAULT_MATMUL_TABLE['1x768x768x4096TN']);
});

const child = fileURLToPath(new URL('./webgpu-matmul-swiftshader.ts', import.meta.url));

test('webgpu matmul on SwiftShader matches a float64 JS matmul (odd shapes, all transposes, batch, broadcast, split K) and cpu gradients',
  { skip: swiftshaderSkip, timeout: 600_000 }, () => {
    const res = runOnSwiftShader<{ device: string; cases: number; worst: number; gradRel: number; failures: string[] }>(child, 580000);
    assert.match(res.device, /swiftshader/i);
    assert.deepEqual(res.failures, []);
    assert.equal(res.cases, 3 * 4 * 4);
    assert.ok(res.worst <= 1e-4 && res.gradRel <= 1e-4);
  });
