import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assessDevice, enableTensorCores, offeredTensorCoreFeatures, pickFragment, requestTensorCoreFeatures, tensorCoreState,
  tensorCoresUnavailableReason, withTensorCoreToggles, TENSOR_CORE_FEATURES, type SubgroupMatrixConfig,
} from '../../src-main/engine/kernels/webgpu-tensor-cores.js';
import { matmulPrecision, setMatmulPrecision, tensorCoresAvailable } from '../../src-main/engine/kernels/matmul-precision.js';
import { DEFAULT_DAWN_OPTIONS } from '../../src-main/engine/kernels/webgpu-tuning.js';

const cfg = (M: number, N: number, K: number, componentType = 'f16', resultComponentType = 'f32'): SubgroupMatrixConfig => ({ componentType, resultComponentType, M, N, K });
const H100_CONFIGS = [cfg(16, 16, 16), cfg(16, 8, 16), cfg(16, 8, 8), cfg(16, 16, 16, 'f16', 'f16'), cfg(16, 8, 32, 'i8', 'i32')];

/** A fake adapter: the features it offers, the info it reports, and the descriptor requestDevice was given. */
function fakeAdapter(features: string[], info: object = {}) {
  const calls: GPUDeviceDescriptor[] = [];
  const adapter = {
    features: new Set(features), info,
    async requestDevice(d: GPUDeviceDescriptor = {}) {
      calls.push(d);
      return { features: new Set(d.requiredFeatures ?? []), limits: { maxComputeInvocationsPerWorkgroup: 1024 } } as unknown as GPUDevice;
    },
  };
  return { adapter, calls };
}

test('Dawn options: the tensor-core toggles are merged into the enable entry only where missing, none with WID_TENSOR_CORES=off', () => {
  const opts = withTensorCoreToggles(DEFAULT_DAWN_OPTIONS, {});
  assert.equal(opts.length, DEFAULT_DAWN_OPTIONS.length);
  assert.equal(opts[0], `${DEFAULT_DAWN_OPTIONS[0]},vulkan_enable_f16_on_nvidia`); // allow_unsafe_apis is there already
  assert.equal(opts[1], DEFAULT_DAWN_OPTIONS[1]);
  assert.deepEqual(withTensorCoreToggles(opts, {}), opts); // idempotent
  assert.deepEqual(withTensorCoreToggles([], {}), ['enable-dawn-features=allow_unsafe_apis,vulkan_enable_f16_on_nvidia']);
  assert.deepEqual(withTensorCoreToggles(DEFAULT_DAWN_OPTIONS, { WID_TENSOR_CORES: 'off' }), [...DEFAULT_DAWN_OPTIONS]);
  assert.deepEqual(withTensorCoreToggles([], { WID_TENSOR_CORES: 'off' }), []);
});

test('features: requested only where the adapter offers them, added to what tfjs asks for', async () => {
  assert.deepEqual(offeredTensorCoreFeatures({ features: new Set(['subgroups', 'timestamp-query']) }), ['subgroups']);
  for (const offered of [[...TENSOR_CORE_FEATURES, 'timestamp-query'], ['subgroups', 'timestamp-query'], ['timestamp-query']]) {
    const { adapter, calls } = fakeAdapter(offered);
    const gpu = { requestAdapter: async () => adapter };
    requestTensorCoreFeatures(gpu as never, {});
    const a = await gpu.requestAdapter();
    await a.requestDevice({ requiredFeatures: ['timestamp-query'] });
    const want = ['timestamp-query', ...TENSOR_CORE_FEATURES.filter((f) => offered.includes(f))];
    assert.deepEqual(calls[0].requiredFeatures, want);
  }
  // off: the adapter is handed back untouched
  const { adapter, calls } = fakeAdapter([...TENSOR_CORE_FEATURES]);
  const gpu = { requestAdapter: async () => adapter };
  requestTensorCoreFeatures(gpu as never, { WID_TENSOR_CORES: 'off' });
  await (await gpu.requestAdapter()).requestDevice({ requiredFeatures: [] });
  assert.deepEqual(calls[0].requiredFeatures, []);
  // a null adapter stays null
  const none = { requestAdapter: async () => null };
  requestTensorCoreFeatures(none as never, {});
  assert.equal(await none.requestAdapter(), null);
});

test('fragment: f16 -> f32 16x16x16 first, then 16x8x16; none without an f16 -> f32 configuration', () => {
  assert.deepEqual(pickFragment(H100_CONFIGS), { m: 16, n: 16, k: 16 });
  assert.deepEqual(pickFragment([cfg(16, 8, 8), cfg(16, 8, 16)]), { m: 16, n: 8, k: 16 });
  assert.deepEqual(pickFragment([cfg(8, 8, 8)]), { m: 8, n: 8, k: 8 });
  assert.equal(pickFragment([cfg(16, 16, 16, 'f16', 'f16'), cfg(8, 8, 8, 'f32', 'f32')]), null);
  assert.equal(pickFragment([]), null);
});

test('device assessment names what is missing; a usable device enables f16-tc, a failed compile falls back to the legacy builtins or off', async () => {
  const info = { subgroupMinSize: 32, subgroupMaxSize: 32, subgroupMatrixConfigs: H100_CONFIGS };
  const dev = (features: string[], adapterInfo: object = info) => ({ features: new Set(features), limits: { maxComputeInvocationsPerWorkgroup: 1024 }, adapterInfo });
  assert.deepEqual(assessDevice(dev(['subgroups']), {}), { ok: false, reason: 'the webgpu device lacks shader-f16, chromium-experimental-subgroup-matrix' });
  assert.match((assessDevice(dev([...TENSOR_CORE_FEATURES], { ...info, subgroupMatrixConfigs: [cfg(16, 16, 16, 'f16', 'f16')] }), {}) as { reason: string }).reason, /no f16 x f16 -> f32/);
  assert.match((assessDevice(dev([...TENSOR_CORE_FEATURES], { ...info, subgroupMinSize: 16 }), {}) as { reason: string }).reason, /not fixed/);
  assert.deepEqual(assessDevice(dev([...TENSOR_CORE_FEATURES]), { WID_TENSOR_CORES: 'off' }), { ok: false, reason: 'WID_TENSOR_CORES=off' });
  // Dawn's null backend (tests): features but no configuration; WID_TC_ASSUME stands in, never over real configurations
  const nullInfo = { subgroupMinSize: 4, subgroupMaxSize: 128, subgroupMatrixConfigs: [] };
  assert.match((assessDevice(dev([...TENSOR_CORE_FEATURES], nullInfo), {}) as { reason: string }).reason, /adapter offers none/);
  assert.deepEqual(assessDevice(dev([...TENSOR_CORE_FEATURES], nullInfo), { WID_TC_ASSUME: '16x8x16/32' }),
    { ok: true, fragment: { m: 16, n: 8, k: 16 }, subgroupSize: 32, configs: [cfg(16, 8, 16)] });
  assert.deepEqual((assessDevice(dev([...TENSOR_CORE_FEATURES]), { WID_TC_ASSUME: '16x8x16/32' }) as { fragment: object }).fragment, { m: 16, n: 16, k: 16 });

  // a range of subgroup sizes: the size a compute kernel measured, if it is a power of two inside the range
  const ranged = dev([...TENSOR_CORE_FEATURES], { ...info, subgroupMinSize: 16, subgroupMaxSize: 64 });
  assert.deepEqual((assessDevice(ranged, {}, 32) as { subgroupSize: number }).subgroupSize, 32);
  assert.match((assessDevice(ranged, {}, 128) as { reason: string }).reason, /not fixed \(min 16, max 64, measured 128\)/);
  assert.equal(await enableTensorCores(ranged, async () => null, {}, async () => 32), null);
  assert.equal(tensorCoreState()?.subgroupSize, 32);
  assert.match((await enableTensorCores({ ...ranged }, async () => null, {}, async () => null))!, /measured nothing/);

  const tried: string[] = [];
  assert.equal(await enableTensorCores(dev([...TENSOR_CORE_FEATURES]), async (s) => { tried.push(s.style); return null; }, {}), null);
  assert.deepEqual(tried, ['majorness']);
  assert.equal(tensorCoresAvailable(), true);
  assert.deepEqual(tensorCoreState()?.fragment, { m: 16, n: 16, k: 16 });
  setMatmulPrecision('f16-tc');
  assert.equal(matmulPrecision(), 'f16-tc');

  // the same device again (selectBackend called twice): nothing re-checked, the precision kept
  const same = dev([...TENSOR_CORE_FEATURES]);
  assert.equal(await enableTensorCores(same, async () => null, {}), null);
  setMatmulPrecision('f16-tc');
  assert.equal(await enableTensorCores(same, async () => { throw new Error('not called'); }, {}), null);
  assert.equal(matmulPrecision(), 'f16-tc');
  // ... but a different builtin setting is a new check
  assert.equal(await enableTensorCores(same, async () => null, { WID_TC_BUILTINS: 'legacy' }), null);
  assert.equal(tensorCoreState()?.style, 'legacy');
  assert.equal(matmulPrecision(), 'fp32');

  assert.equal(await enableTensorCores(dev([...TENSOR_CORE_FEATURES]), async (s) => (s.style === 'legacy' ? null : 'unknown builtin'), {}), null);
  assert.equal(tensorCoreState()?.style, 'legacy');
  assert.equal(matmulPrecision(), 'fp32'); // re-selecting the backend resets the precision

  tried.length = 0;
  assert.equal(await enableTensorCores(dev([...TENSOR_CORE_FEATURES]), async (s) => { tried.push(s.style); return null; }, { WID_TC_BUILTINS: 'legacy' }), null);
  assert.deepEqual(tried, ['legacy']);
  assert.match((await enableTensorCores(dev([...TENSOR_CORE_FEATURES]), async () => null, { WID_TC_BUILTINS: 'new' }))!, /must be majorness or legacy/);

  const why = await enableTensorCores(dev([...TENSOR_CORE_FEATURES]), async () => 'error: nope', {});
  assert.match(why!, /does not compile on this device \(majorness: error: nope; legacy: error: nope\)/);
  assert.equal(tensorCoresAvailable(), false);
  assert.equal(tensorCoresUnavailableReason(), why);
  assert.throws(() => setMatmulPrecision('f16-tc'), /f16-tc needs a webgpu device with shader-f16/);

  assert.match((await enableTensorCores(dev(['subgroups']), async () => null, {}))!, /lacks shader-f16/);
  assert.equal(tensorCoresAvailable(), false);
});

test('the self-check runs once per device and settings: a wrong kernel is refused with its reason, and not checked again', async () => {
  const info = { subgroupMinSize: 32, subgroupMaxSize: 32, subgroupMatrixConfigs: H100_CONFIGS };
  const dev = () => ({ features: new Set(TENSOR_CORE_FEATURES), limits: { maxComputeInvocationsPerWorkgroup: 1024 }, adapterInfo: info });
  let checks = 0;
  const wrong = async () => { checks++; assert.equal(tensorCoresAvailable(), true, 'verified while available'); return 'element 3 is NaN'; };
  const bad = dev();
  assert.equal(await enableTensorCores(bad, async () => null, {}, undefined, wrong), 'element 3 is NaN');
  assert.equal(tensorCoresAvailable(), false);
  assert.equal(tensorCoresUnavailableReason(), 'element 3 is NaN');
  assert.equal(await enableTensorCores(bad, async () => { throw new Error('not compiled again'); }, {}, undefined, wrong), 'element 3 is NaN');
  assert.equal(checks, 1, 'the same device and settings: not checked again');
  assert.equal(await enableTensorCores(bad, async () => null, { WID_TC_SELF_CHECK: 'off' }), null, 'another setting is a new decision');
  assert.equal(tensorCoresAvailable(), true);

  const good = dev();
  const right = async () => { checks++; return null; };
  assert.equal(await enableTensorCores(good, async () => null, {}, undefined, right), null);
  assert.equal(await enableTensorCores(good, async () => null, {}, undefined, right), null);
  assert.equal(checks, 2, 'a passing check is not repeated either');
  assert.equal(tensorCoresAvailable(), true);
});
