// kernels/wasm-matmul.ts: the wasm BatchMatMul does its transposes before the product (tfjs-wasm's transposed
// products were up to 70x slower). Every flag combination, batched and broadcast shapes, above and below the
// size where the wrapper steps in, and the gradients must give the products a plain triple loop gives, and
// nothing may stay behind on the wasm heap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { wasmMatMulInstalled } from '../../src-main/engine/kernels/wasm-matmul.js';

/** out[batch][i][j] = sum_k A[i][k]·B[k][j] with A, B the (optionally transposed) last two axes; batch broadcast. */
function reference(a: tf.Tensor, b: tf.Tensor, ta: boolean, tb: boolean): { data: number[]; shape: number[] } {
  const av = a.arraySync() as number[][][], bv = b.arraySync() as number[][][];
  const batches = Math.max(av.length, bv.length);
  const A = (n: number, i: number, k: number) => { const m = av[av.length === 1 ? 0 : n]; return ta ? m[k][i] : m[i][k]; };
  const B = (n: number, k: number, j: number) => { const m = bv[bv.length === 1 ? 0 : n]; return tb ? m[j][k] : m[k][j]; };
  const rows = ta ? av[0][0].length : av[0].length, inner = ta ? av[0].length : av[0][0].length;
  const cols = tb ? bv[0].length : bv[0][0].length;
  const data: number[] = [];
  for (let n = 0; n < batches; n++) for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) {
    let s = 0;
    for (let k = 0; k < inner; k++) s += A(n, i, k) * B(n, k, j);
    data.push(s);
  }
  return { data, shape: [batches, rows, cols] };
}

const maxDiff = (x: ArrayLike<number>, y: ArrayLike<number>) => { let m = 0; for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i])); return m; };

test('every transpose combination, batched and broadcast, equals the triple-loop product on wasm', async () => {
  const backend = await selectBackend('wasm');
  assert.equal(backend.name, 'wasm');
  assert.ok(wasmMatMulInstalled(), 'the wasm BatchMatMul kernel was replaced');
  // 96 x 128 x 96 = 1.18M multiply-adds per matrix: above the wrapper's threshold; the 3 x 4 x 5 ones keep tfjs' flags
  const cases: [number[], number[], boolean, boolean][] = [
    [[2, 96, 128], [2, 128, 96], false, false], [[2, 128, 96], [2, 128, 96], true, false], [[2, 96, 128], [2, 96, 128], false, true],
    [[2, 128, 96], [2, 96, 128], true, true], [[1, 128, 96], [3, 128, 96], true, false], [[3, 96, 128], [1, 96, 128], false, true],
    [[2, 4, 3], [2, 5, 4], true, true], [[1, 3, 4], [3, 5, 4], false, true],
  ];
  for (const [sa, sb, ta, tb] of cases) {
    const a = tf.randomNormal(sa, 0, 1, 'float32', 1), b = tf.randomNormal(sb, 0, 1, 'float32', 2);
    const want = reference(a, b, ta, tb);
    const got = tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D, ta, tb);
    assert.deepEqual(got.shape, want.shape, `shape for ${sa}${ta ? 'ᵀ' : ''} · ${sb}${tb ? 'ᵀ' : ''}`);
    assert.ok(maxDiff(got.dataSync(), want.data) < 1e-3, `values for ${sa}${ta ? 'ᵀ' : ''} · ${sb}${tb ? 'ᵀ' : ''}`);
    tf.dispose([a, b, got]);
  }
});

test('gradients through transposed products equal their closed forms, and no tensor or heap block is left', async () => {
  await selectBackend('wasm');
  // every product here is above the wrapper's threshold (160 x 96 x 128)
  const a = tf.randomNormal([160, 96], 0, 1, 'float32', 3), b = tf.randomNormal([128, 96], 0, 1, 'float32', 4), g = tf.randomNormal([160, 128], 0, 1, 'float32', 5);
  // y = a·bᵀ, L = sum(y ⊙ g): dL/da = g·b, dL/db = gᵀ·a
  const grads = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y, false, true), g)));
  const [da, db] = grads([a, b]);
  const wantDa = reference(g.expandDims(0), b.expandDims(0), false, false).data;
  const wantDb = reference(g.expandDims(0), a.expandDims(0), true, false).data;
  assert.ok(maxDiff(da.dataSync(), wantDa) < 1e-3, 'dL/da = g·b');
  assert.ok(maxDiff(db.dataSync(), wantDb) < 1e-3, 'dL/db = gᵀ·a');
  tf.dispose([da, db]);

  const backend = tf.backend() as unknown as { numDataIds(): number };
  const tensorsBefore = tf.memory().numTensors, dataBefore = backend.numDataIds();
  for (let i = 0; i < 3; i++) tf.tidy(() => { tf.matMul(a, b, false, true).dataSync(); tf.matMul(a, g, true, false).dataSync(); tf.matMul(b, g, true, true).dataSync(); });
  assert.equal(tf.memory().numTensors, tensorsBefore, 'no tensor left');
  assert.equal(backend.numDataIds(), dataBefore, 'the transposed copies are freed on the wasm heap');
  tf.dispose([a, b, g]);
});

test('a batch of large products is split into single products (tfjs-wasm gives only batch 1 to XNNPACK): each matrix equals its product alone, bit for bit', async () => {
  await selectBackend('wasm');
  // [4, 96, 128] x [4, 128, 96]: above the threshold; tfjs-wasm's own batched loop sums in another order (and ran
  // 15-45x slower: WID's batched compactor products took ~97% of a wasm step)
  const a = tf.randomNormal([4, 96, 128], 0, 1, 'float32', 6), b = tf.randomNormal([4, 128, 96], 0, 1, 'float32', 7);
  const backend = tf.backend() as unknown as { numDataIds(): number };
  const tensorsBefore = tf.memory().numTensors, dataBefore = backend.numDataIds();
  for (const [ta, tb] of [[false, false], [true, false], [false, true]] as const) {
    const x = ta ? tf.transpose(a, [0, 2, 1]) : a, y = tb ? tf.transpose(b, [0, 2, 1]) : b;
    const whole = tf.matMul(x as tf.Tensor3D, y as tf.Tensor3D, ta, tb);
    assert.deepEqual(whole.shape, [4, 96, 96]);
    const got = whole.dataSync();
    for (let g = 0; g < 4; g++) {
      const alone = tf.tidy(() => tf.matMul(a.slice([g, 0, 0], [1, 96, 128]).reshape([96, 128]) as tf.Tensor2D, b.slice([g, 0, 0], [1, 128, 96]).reshape([128, 96]) as tf.Tensor2D));
      const want = alone.dataSync();
      assert.equal(maxDiff(got.subarray(g * want.length, (g + 1) * want.length), want), 0, `matrix ${g} (transposeA ${ta}, transposeB ${tb})`);
      alone.dispose();
    }
    tf.dispose([whole, ...(x !== a ? [x] : []), ...(y !== b ? [y] : [])]);
  }
  assert.equal(tf.memory().numTensors, tensorsBefore, 'no tensor left');
  assert.equal(backend.numDataIds(), dataBefore, 'the slices and partial products are freed on the wasm heap');
  tf.dispose([a, b]);
});
