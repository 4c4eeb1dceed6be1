import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runOnSwiftShader, swiftshaderSkip } from '../support/swiftshader.js';

const child = fileURLToPath(new URL('./fusions-swiftshader.ts', import.meta.url));
interface Result {
  device: string; fused: boolean; unfusedUsed: boolean; lossGpu: number; lossCpu: number; gradRel: number; ignoredRowsZero: boolean;
  softmaxRel: number; softmaxGradRel: number; maskedProbsZero: boolean;
  biasGelu: { kernels: boolean; fusedVsUnfused: number; gpuVsCpu: number; cpuFallbackVsUnfused: number };
  columnSum: { vsCpu: number; chunk8VsCpu: number; unroll1VsCpu: number; unroll8VsCpu: number; tfjsVsCpu: number; shapesEqual: boolean };
  headTranspose: Record<string, { mismatches: number; kernel: boolean; keys: string[] }>;
  matMulBias: { kernel: boolean; fusedVsUnfused: number };
  bert: { lossOn: number; lossOff: number; lossCpu: number; gradRelOnVsCpu: number; gradRelOffVsCpu: number };
}
let cached: Result | undefined;
const result = () => (cached ??= runOnSwiftShader<Result>(child, 280_000));

test('the fused webgpu cross-entropy gives the masked-LM loss and gradient of the cpu backend, ignored rows getting none',
  { skip: swiftshaderSkip, timeout: 300_000 }, () => {
    const r = result();
    assert.match(r.device, /swiftshader/i);
    assert.ok(r.fused, 'the fused kernels are registered on webgpu');
    assert.ok(Math.abs(r.lossGpu - r.lossCpu) <= 1e-5 * Math.abs(r.lossCpu), `${r.lossGpu} vs ${r.lossCpu}`);
    assert.ok(r.gradRel <= 1e-5, `gradient relative error ${r.gradRel}`);
    assert.ok(r.ignoredRowsZero);
  });

test('the fused webgpu attention softmax gives the probabilities and gradient of the cpu backend, masked keys getting zero',
  { skip: swiftshaderSkip, timeout: 300_000 }, () => {
    const r = result();
    assert.ok(r.softmaxRel <= 1e-6, `probs relative error ${r.softmaxRel}`);
    assert.ok(r.softmaxGradRel <= 1e-5, `gradient relative error ${r.softmaxGradRel}`);
    assert.ok(r.maskedProbsZero);
  });

test('the fused webgpu bias + GELU gives tf.add then GELU bit for bit, and the cpu backend\'s values and gradients', { skip: swiftshaderSkip, timeout: 300_000 }, () => {
  const { biasGelu } = result();
  console.log(`bias + GELU: fused vs unfused on webgpu max |diff| ${biasGelu.fusedVsUnfused}, vs cpu ${biasGelu.gpuVsCpu}, cpu fallback vs unfused ${biasGelu.cpuFallbackVsUnfused}`);
  assert.ok(biasGelu.kernels, 'the fused kernels are registered on webgpu');
  assert.equal(biasGelu.fusedVsUnfused, 0);
  assert.equal(biasGelu.cpuFallbackVsUnfused, 0);
  assert.ok(biasGelu.gpuVsCpu <= 1e-5, `webgpu vs cpu max |diff| ${biasGelu.gpuVsCpu}`);
});

test('the bias added in the webgpu matmul\'s store (vec4 and scalar stores, split-K) gives tf.matMul + tf.add and their gradients bit for bit', { skip: swiftshaderSkip, timeout: 300_000 }, () => {
  const { matMulBias } = result();
  assert.ok(matMulBias.kernel, 'WidMatMulBias is registered on webgpu');
  assert.equal(matMulBias.fusedVsUnfused, 0);
});

test('sums over leading axes on webgpu (the column-sum kernel, keepDims and negative axes included) give the cpu backend\'s sums', { skip: swiftshaderSkip, timeout: 300_000 }, () => {
  const { columnSum } = result();
  console.log(`column sums: webgpu kernel vs cpu max |diff| ${columnSum.vsCpu}, tfjs' Sum vs cpu ${columnSum.tfjsVsCpu}`);
  assert.ok(columnSum.shapesEqual);
  assert.ok(columnSum.vsCpu <= 2e-5, `max |diff| ${columnSum.vsCpu} (sums of up to 300 values of magnitude 5)`);
  assert.ok(columnSum.chunk8VsCpu <= 2e-5, `WID_COLUMN_SUM_ROWS=8: max |diff| ${columnSum.chunk8VsCpu}`);
  for (const u of [1, 8] as const) assert.ok(columnSum[`unroll${u}VsCpu`] <= 2e-5, `WID_COLUMN_SUM_UNROLL=${u}: max |diff| ${columnSum[`unroll${u}VsCpu`]}`);
});

test('the head-transpose kernel moves [B, S, H, D] <-> [B, H, S, D] (perm [0, 2, 1, 3]) and its gradient bit for bit as the cpu backend; other transposes and WID_FUSIONS=-head-transpose use tfjs\' kernel', { skip: swiftshaderSkip, timeout: 300_000 }, () => {
  const { headTranspose } = result();
  const names = Object.keys(headTranspose);
  assert.equal(names.length, 23, names.join('; '));
  for (const [name, c] of Object.entries(headTranspose)) {
    assert.equal(c.mismatches, 0, `${name}: ${c.mismatches} values differ from the cpu backend's (-1: shapes differ)`);
    const ours = !name.startsWith('fallback') && name !== 'switched off';
    assert.equal(c.kernel, ours, `${name}: ran ${c.keys.join(', ')}`);
    // the round trip and the gradient (forward, then the gradient's transpose) run the kernel twice
    if (/^(round trip|grad)/.test(name)) assert.equal(c.keys.filter((k) => k.startsWith('widHeadTranspose')).length, 2, `${name}: ran ${c.keys.join(', ')}`);
  }
});

test('a BERT MLM step with the fusions on and off (WID_FUSIONS=off) gives the cpu backend\'s loss and gradients', { skip: swiftshaderSkip, timeout: 300_000 }, () => {
  const { bert, unfusedUsed } = result();
  assert.ok(unfusedUsed, 'WID_FUSIONS=off switches both fusions off');
  for (const loss of [bert.lossOn, bert.lossOff]) assert.ok(Math.abs(loss - bert.lossCpu) <= 1e-5 * bert.lossCpu, `${loss} vs ${bert.lossCpu}`);
  assert.ok(bert.gradRelOnVsCpu <= 1e-4 && bert.gradRelOffVsCpu <= 1e-4, JSON.stringify(bert));
});

const lnKeepChild = fileURLToPath(new URL('./layer-norm-keep-swiftshader.ts', import.meta.url));
interface LnKeepResult {
  device: string; leaked: number; keepMatters: number;
  fused: { relA: number; relB: number; lnKeys: string[]; dispatches: number };
  switchedOff: { rel: number; lnKeys: string[]; dispatches: number };
  allOff: { rel: number; lnKeys: string[] };
  captured: { relBefore: number; relAfter: number; replayedBefore: number; replayedAfter: number; dispatches: number; sameDataId: boolean };
}
let lnKeepCached: LnKeepResult | undefined;
const lnKeep = () => (lnKeepCached ??= runOnSwiftShader<LnKeepResult>(lnKeepChild, 120_000));
// float32 on SwiftShader vs the cpu backend: max |diff| over max |value| per tensor (y, dx, dgamma, dbeta)
const LN_KEEP_TOL = 2e-5;

test('the fused webgpu LayerNorm with WID\'s keep vector gives the cpu backend\'s composite keep LayerNorm (output, gradients of x, gamma, beta) within 2e-5 relative, with the keep-aware kernels',
  { skip: swiftshaderSkip, timeout: 150_000 }, () => {
    const r = lnKeep();
    assert.match(r.device, /swiftshader/i);
    console.log(`LayerNorm with keep: fused vs cpu ${r.fused.relA} / ${r.fused.relB} (two keep vectors), ${r.fused.dispatches} dispatches; composite ${r.switchedOff.dispatches}`);
    assert.ok(r.keepMatters > 1e-2, `the two keep vectors give different values (${r.keepMatters})`);
    assert.ok(r.fused.relA <= LN_KEEP_TOL && r.fused.relB <= LN_KEEP_TOL, JSON.stringify(r.fused));
    // forward twice (the value, then under the gradient) and one backward
    assert.deepEqual(r.fused.lnKeys, ['widLayerNorm_stats_keep', 'widLayerNorm_apply', 'widLayerNorm_stats_keep', 'widLayerNorm_apply', 'widLayerNorm_dx_keep', 'widLayerNormParamGrads_256']);
    assert.equal(r.leaked, 0, 'tensors left behind');
  });

test('WID_FUSIONS=-layer-norm-keep and WID_FUSIONS=off run the composite keep LayerNorm on webgpu, with the same values',
  { skip: swiftshaderSkip, timeout: 150_000 }, () => {
    const r = lnKeep();
    assert.deepEqual(r.switchedOff.lnKeys, []);
    assert.deepEqual(r.allOff.lnKeys, []);
    assert.ok(r.switchedOff.dispatches > r.fused.dispatches, JSON.stringify(r.switchedOff));
    assert.ok(r.switchedOff.rel <= LN_KEEP_TOL && r.allOff.rel <= LN_KEEP_TOL, JSON.stringify(r));
  });

test('a replayed step reads the keep vector\'s new values (another K) after they are written in place', { skip: swiftshaderSkip, timeout: 150_000 }, () => {
  const { captured: c } = lnKeep();
  assert.ok(c.sameDataId, 'assignInPlace kept the variable\'s data');
  assert.ok(c.replayedBefore >= 1, 'a step with the first keep vector replayed');
  assert.equal(c.replayedAfter, c.replayedBefore + 1, 'the step after the write replayed too');
  assert.ok(c.relBefore <= LN_KEEP_TOL, `before the write: ${c.relBefore}`);
  assert.ok(c.relAfter <= LN_KEEP_TOL, `after the write: ${c.relAfter} (vs the cpu backend with the new keep vector)`);
});

test('WID_COLUMN_SUM_ROWS sets the column sum\'s chunk height (a multiple of 8); anything else is refused by name', async () => {
  const { columnSumChunks, rowsPerChunkSetting, ROWS_PER_CHUNK } = await import('../../src-main/engine/kernels/webgpu-column-sum.js');
  assert.equal(rowsPerChunkSetting({}), ROWS_PER_CHUNK);
  assert.equal(rowsPerChunkSetting({ WID_COLUMN_SUM_ROWS: '64' }), 64);
  for (const bad of ['4', '12', 'x', '-8']) assert.throws(() => rowsPerChunkSetting({ WID_COLUMN_SUM_ROWS: bad }), /WID_COLUMN_SUM_ROWS/);
  assert.deepEqual(columnSumChunks(4096, 64), { chunks: 64, rowsPerChunk: 64 });
  assert.deepEqual(columnSumChunks(4096, 256), { chunks: 16, rowsPerChunk: 256 });
  assert.deepEqual(columnSumChunks(2_000_000, 64), { chunks: 1024, rowsPerChunk: 1954 }); // at most 1,024 chunks
});

test('WID_COLUMN_SUM_UNROLL sets the column sum\'s running sums per thread (1, 2, 4 or 8); anything else is refused by name', async () => {
  const { unrollSetting, UNROLL, ColumnSumProgram } = await import('../../src-main/engine/kernels/webgpu-column-sum.js');
  assert.equal(unrollSetting({}), UNROLL);
  assert.equal(unrollSetting({ WID_COLUMN_SUM_UNROLL: '8' }), 8);
  for (const bad of ['3', '0', 'x', '16']) assert.throws(() => unrollSetting({ WID_COLUMN_SUM_UNROLL: bad }), /WID_COLUMN_SUM_UNROLL/);
  // the unroll factor is part of the shader key: a process that switches it gets another pipeline
  const before = process.env.WID_COLUMN_SUM_UNROLL;
  process.env.WID_COLUMN_SUM_UNROLL = '2';
  try { assert.match(new ColumnSumProgram(100, 10).shaderKey, /_u2$/); } finally {
    if (before === undefined) delete process.env.WID_COLUMN_SUM_UNROLL; else process.env.WID_COLUMN_SUM_UNROLL = before;
  }
});

const lnGradsChild = fileURLToPath(new URL('./layer-norm-grads-swiftshader.ts', import.meta.url));
interface LnGradsResult { device: string; leaked: number; results: Record<string, { rel: number[]; paramGradKernels: number; xhatKernels: number; dispatches: number }> }

test('the LayerNorm\'s gamma and beta gradients in one pass on webgpu give the cpu backend\'s (one chunk of rows, several, three passes, with the keep vector); WID_FUSIONS=-layer-norm-grads runs x-hat, a multiply and two sums',
  { skip: swiftshaderSkip, timeout: 150_000 }, () => {
    const r = runOnSwiftShader<LnGradsResult>(lnGradsChild, 120_000);
    assert.match(r.device, /swiftshader/i);
    assert.equal(r.leaked, 0);
    assert.equal(Object.keys(r.results).length, 5);
    for (const [name, c] of Object.entries(r.results)) {
      const what = `${name}: ${JSON.stringify(c)}`;
      // y, dx, dgamma, dbeta against the cpu backend, relative to each tensor's largest entry
      for (const v of c.rel) assert.ok(v <= 2e-6, what);
      const unfused = name.endsWith('unfused');
      assert.equal(c.paramGradKernels, unfused ? 0 : 1, what);
      assert.equal(c.xhatKernels, unfused ? 1 : 0, what);
    }
    assert.ok(r.results['600 x 200'].dispatches < r.results['600 x 200, unfused'].dispatches);
  });
