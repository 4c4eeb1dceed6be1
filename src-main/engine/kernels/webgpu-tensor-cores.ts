// Tensor cores on webgpu (issue 25): which device features the subgroup-matrix matmul needs, how they are
// requested when tfjs-webgpu creates its device, and what the device turned out to offer. tfjs-backend-webgpu
// calls navigator.gpu.requestAdapter() and adapter.requestDevice() itself (base.js) with only timestamp-query;
// requestTensorCoreFeatures() wraps the GPU object's requestAdapter so that every adapter it returns asks for
// shader-f16, subgroups and chromium-experimental-subgroup-matrix as well, where the adapter offers them.
// After tf.setBackend('webgpu'), enableTensorCores() reads what the device got (features, the adapter's
// subgroup-matrix configurations, the subgroup size), compiles a small kernel to learn which spelling of the
// subgroupMatrixLoad/Store builtins this Dawn takes, and only then calls setTensorCoresAvailable(true).
// Env WID_TENSOR_CORES=off: no features, no toggles, tensor cores never available. WID_TC_BUILTINS=legacy|majorness
// tries only that spelling of the builtins.
import { setTensorCoresAvailable } from './matmul-precision.js';

/** The device features the subgroup-matrix kernel needs (subgroup_matrix implies the subgroups extension). */
export const TENSOR_CORE_FEATURES = ['shader-f16', 'subgroups', 'chromium-experimental-subgroup-matrix'] as const;

/**
 * Dawn toggles without which an NVIDIA GPU under Vulkan does not expose shader-f16 (Dawn keeps f16 off on NVIDIA
 * unless asked) and the experimental subgroup-matrix feature is not exposed at all.
 */
export const TENSOR_CORE_DAWN_TOGGLES = ['allow_unsafe_apis', 'vulkan_enable_f16_on_nvidia'] as const;

export const tensorCoresWanted = (env: NodeJS.ProcessEnv = process.env): boolean => env.WID_TENSOR_CORES !== 'off';

/**
 * The Dawn create() options with the tensor-core toggles merged into the `enable-dawn-features=` entry: only those
 * not already enabled there are added (a new entry when there is none); unchanged when WID_TENSOR_CORES=off.
 */
export function withTensorCoreToggles(options: readonly string[], env: NodeJS.ProcessEnv = process.env): string[] {
  if (!tensorCoresWanted(env)) return [...options];
  const prefix = 'enable-dawn-features=';
  const i = options.findIndex((o) => o.startsWith(prefix));
  const have = i < 0 ? [] : options[i].slice(prefix.length).split(',').map((s) => s.trim()).filter(Boolean);
  const missing = TENSOR_CORE_DAWN_TOGGLES.filter((t) => !have.includes(t));
  if (!missing.length) return [...options];
  const entry = prefix + [...have, ...missing].join(',');
  return i < 0 ? [...options, entry] : options.map((o, j) => (j === i ? entry : o));
}

/** The tensor-core features this adapter offers (the ones to add to requiredFeatures). */
export function offeredTensorCoreFeatures(adapter: { features: { has(f: string): boolean } }): string[] {
  return TENSOR_CORE_FEATURES.filter((f) => adapter.features.has(f));
}

interface AdapterLike {
  features: { has(f: string): boolean };
  requestDevice(descriptor?: GPUDeviceDescriptor): Promise<GPUDevice>;
  info?: unknown;
}
interface GpuLike { requestAdapter(options?: GPURequestAdapterOptions): Promise<AdapterLike | null> }

/** The adapter info of the adapter each device came from (GPUDevice.adapterInfo where Dawn has it, else this). */
const adapterInfoOf = new WeakMap<object, unknown>();

/**
 * Makes every adapter `gpu.requestAdapter()` returns add the tensor-core features it offers to the features its
 * requestDevice() is asked for (tfjs' own list is kept). Nothing changes when WID_TENSOR_CORES=off. Idempotent.
 */
export function requestTensorCoreFeatures(gpu: GpuLike, env: NodeJS.ProcessEnv = process.env): void {
  const marked = gpu as GpuLike & { widTensorCoreRequests?: boolean };
  if (!tensorCoresWanted(env) || marked.widTensorCoreRequests) return;
  const requestAdapter = gpu.requestAdapter.bind(gpu);
  marked.requestAdapter = async (options?: GPURequestAdapterOptions) => {
    const adapter = await requestAdapter(options);
    if (!adapter) return adapter;
    const requestDevice = adapter.requestDevice.bind(adapter);
    const extra = offeredTensorCoreFeatures(adapter);
    const wrapped = async (descriptor: GPUDeviceDescriptor = {}) => {
      const base = [...(descriptor.requiredFeatures ?? [])] as string[];
      const requiredFeatures = [...base, ...extra.filter((f) => !base.includes(f))] as GPUFeatureName[];
      const device = await requestDevice(extra.length ? { ...descriptor, requiredFeatures } : descriptor);
      adapterInfoOf.set(device, adapter.info);
      return device;
    };
    // an own property on the adapter object: Dawn's adapters are plain wrapped objects
    Object.defineProperty(adapter, 'requestDevice', { value: wrapped, configurable: true, writable: true });
    return adapter;
  };
  marked.widTensorCoreRequests = true;
}

/** One of the adapter's subgroup-matrix configurations (GPUSubgroupMatrixConfig in Dawn's IDL). */
export interface SubgroupMatrixConfig { componentType: string; resultComponentType: string; M: number; N: number; K: number }

/** The fragment shape the kernel uses: left M x K, right K x N, result M x N. */
export interface Fragment { m: number; n: number; k: number }

/**
 * The f16 x f16 -> f32 configuration to use: 16x16x16 first (measured: the probe's kernels), then 16x8x16, then any
 * other f16 -> f32 one with M, N, K multiples of 8. Null when there is none.
 */
export function pickFragment(configs: readonly SubgroupMatrixConfig[]): Fragment | null {
  const f16 = configs.filter((c) => c.componentType === 'f16' && c.resultComponentType === 'f32');
  const pick = (m: number, n: number, k: number) => f16.find((c) => c.M === m && c.N === n && c.K === k);
  const c = pick(16, 16, 16) ?? pick(16, 8, 16) ?? f16.find((x) => x.M % 8 === 0 && x.N % 8 === 0 && x.K % 8 === 0);
  return c ? { m: c.M, n: c.N, k: c.K } : null;
}

/**
 * How the subgroupMatrixLoad/Store calls are spelled. 'majorness': the current form,
 * `subgroupMatrixLoad<T, row_major|col_major>(&arr, offset, stride)` with offset and stride counted in the array's
 * elements (which may be vectors: the kernel stages vec4<f16>); 'legacy': the deprecated
 * `subgroupMatrixLoad<T>(&arr, offset, col_major_bool, stride)` over scalar f16 arrays (what the H100 probe ran,
 * with Dawn's "use of deprecated builtin" warnings).
 */
export type BuiltinStyle = 'majorness' | 'legacy';

export interface TensorCoreState {
  fragment: Fragment;
  subgroupSize: number;
  style: BuiltinStyle;
  configs: SubgroupMatrixConfig[];
}

let state: TensorCoreState | null = null;
/** The device and env of the last decision that sticks: enabled, or refused by `verify` (reason then). */
let lastEnabled: { device: object; key: string; refused?: string } | null = null;
let whyNot = 'the webgpu backend has not been selected';

/** The device's tensor-core set-up once enableTensorCores() found it usable, else null. */
export const tensorCoreState = (): TensorCoreState | null => state;
/** Why tensor cores are unavailable (a sentence), or null when they are available. */
export const tensorCoresUnavailableReason = (): string | null => (state ? null : whyNot);

/** Records that tensor cores are not used, and why (e.g. the kernel was left out of the registered ones). */
export function disableTensorCores(reason: string): void {
  state = null;
  lastEnabled = null;
  whyNot = reason;
  setTensorCoresAvailable(false);
}

/** Tests only: set (or clear) the state without a device. */
export function setTensorCoreStateForTests(s: TensorCoreState | null, reason = 'cleared by a test'): void {
  state = s;
  lastEnabled = null;
  whyNot = reason;
  setTensorCoresAvailable(s !== null);
}

interface DeviceLike {
  features: { has(f: string): boolean };
  limits: { maxComputeInvocationsPerWorkgroup: number };
  adapterInfo?: unknown;
}

interface InfoLike { subgroupMinSize?: number; subgroupMaxSize?: number; subgroupMatrixConfigs?: readonly SubgroupMatrixConfig[] }

/**
 * What the device offers, before any shader is compiled: the fragment and subgroup size, or the reason tensor
 * cores cannot be used (a missing feature, no f16 -> f32 configuration, a subgroup size that varies).
 */
export function assessDevice(device: DeviceLike, env: NodeJS.ProcessEnv = process.env, measuredSubgroupSize: number | null = null): { ok: true; fragment: Fragment; subgroupSize: number; configs: SubgroupMatrixConfig[] } | { ok: false; reason: string } {
  if (!tensorCoresWanted(env)) return { ok: false, reason: 'WID_TENSOR_CORES=off' };
  const missing = TENSOR_CORE_FEATURES.filter((f) => !device.features.has(f));
  if (missing.length) return { ok: false, reason: `the webgpu device lacks ${missing.join(', ')}` };
  // the adapter's own info first: Dawn's GPUDevice.adapterInfo does not carry the subgroup-matrix configurations
  const infos = [adapterInfoOf.get(device), device.adapterInfo].filter(Boolean) as InfoLike[];
  const info: InfoLike = {
    subgroupMatrixConfigs: infos.map((i) => i.subgroupMatrixConfigs).find((c) => c && c.length) ?? [],
    subgroupMinSize: infos.map((i) => i.subgroupMinSize).find((x) => x), subgroupMaxSize: infos.map((i) => i.subgroupMaxSize).find((x) => x),
  };
  let configs = [...(info.subgroupMatrixConfigs ?? [])].map((c) => ({ componentType: c.componentType, resultComponentType: c.resultComponentType, M: c.M, N: c.N, K: c.K }));
  // Tests only: Dawn's null backend offers the features but no configuration and a variable subgroup size; env
  // WID_TC_ASSUME='MxNxK/SUBGROUP' (e.g. 16x16x16/32) stands in for them there, so the JS runs end to end
  const assume = /^(\d+)x(\d+)x(\d+)\/(\d+)$/.exec(env.WID_TC_ASSUME ?? '');
  if (assume && !configs.length) {
    configs = [{ componentType: 'f16', resultComponentType: 'f32', M: +assume[1], N: +assume[2], K: +assume[3] }];
    info.subgroupMinSize = info.subgroupMaxSize = +assume[4];
  }
  const fragment = pickFragment(configs);
  if (!fragment) {
    return { ok: false, reason: `no f16 x f16 -> f32 subgroup-matrix configuration (adapter offers ${configs.map((c) => `${c.componentType}->${c.resultComponentType} ${c.M}x${c.N}x${c.K}`).join(', ') || 'none'})` };
  }
  const lo = info.subgroupMinSize, hi = info.subgroupMaxSize;
  if (lo && lo === hi) return { ok: true, fragment, subgroupSize: lo, configs };
  // a range: the size a compute kernel actually got (measureSubgroupSize), when it is a power of two inside it
  const m = measuredSubgroupSize;
  if (m && (m & (m - 1)) === 0 && m >= (lo ?? 1) && m <= (hi ?? 1024)) return { ok: true, fragment, subgroupSize: m, configs };
  return { ok: false, reason: `the subgroup size is not fixed (min ${lo ?? '?'}, max ${hi ?? '?'}, measured ${m ?? 'nothing'}): the kernel counts threads per subgroup` };
}

/**
 * Decides whether the f16-tc matmul can run on this device and records it (setTensorCoresAvailable). `compiles`
 * tries a small kernel in a builtin style and resolves to null when it compiled, else the compiler's message; the
 * current style is tried first, then the legacy one. Where the adapter reports a range of subgroup sizes,
 * `measureSubgroupSize` tells the size a 128-thread compute kernel gets. `verify` runs once the kernel compiled and
 * the tensor cores count as available (the numeric self-check: compiling is not enough for 'auto' to pick them) and
 * resolves to null, or to why they must not be used. Called again for the device it decided on, under the same env,
 * it changes nothing and repeats no check (the precision chosen since stays). Returns the reason when unavailable, else null.
 */
export async function enableTensorCores(device: DeviceLike, compiles: (s: TensorCoreState) => Promise<string | null>,
  env: NodeJS.ProcessEnv = process.env, measureSubgroupSize?: () => Promise<number | null>,
  verify?: () => Promise<string | null>): Promise<string | null> {
  // the same device under the same settings (selectBackend again): keep what was found, and the chosen precision
  const key = `${env.WID_TENSOR_CORES ?? ''}|${env.WID_TC_BUILTINS ?? ''}|${env.WID_TC_ASSUME ?? ''}|${env.WID_TC_SELF_CHECK ?? ''}`;
  if (lastEnabled?.device === device && lastEnabled.key === key) {
    if (lastEnabled.refused !== undefined) return lastEnabled.refused;
    if (state) return null;
  }
  lastEnabled = null;
  state = null;
  setTensorCoresAvailable(false);
  let a = assessDevice(device, env);
  if (!a.ok && /not fixed/.test(a.reason) && measureSubgroupSize) a = assessDevice(device, env, await measureSubgroupSize().catch(() => null));
  if (!a.ok) { whyNot = a.reason; return whyNot; }
  const errors: string[] = [];
  // env WID_TC_BUILTINS=legacy|majorness: only that spelling (if the current one compiles but misbehaves somewhere)
  const only = env.WID_TC_BUILTINS;
  const styles = (['majorness', 'legacy'] as const).filter((s) => !only || s === only);
  if (!styles.length) { whyNot = `WID_TC_BUILTINS must be majorness or legacy, got "${only}"`; return whyNot; }
  for (const style of styles) {
    const candidate: TensorCoreState = { fragment: a.fragment, subgroupSize: a.subgroupSize, style, configs: a.configs };
    const err = await compiles(candidate);
    if (err === null) {
      state = candidate;
      whyNot = '';
      setTensorCoresAvailable(true);
      const wrong = verify ? await verify() : null;
      if (wrong !== null) {
        disableTensorCores(wrong);
        lastEnabled = { device, key, refused: wrong };
        return wrong;
      }
      lastEnabled = { device, key };
      return null;
    }
    errors.push(`${style}: ${err.split('\n')[0].slice(0, 300)}`);
  }
  whyNot = `the subgroup-matrix kernel does not compile on this device (${errors.join('; ')})`;
  return whyNot;
}

/**
 * The subgroup size a 128-thread compute kernel gets on this device (@builtin(subgroup_size), read back), or null
 * when it cannot be read (no subgroups feature, an error).
 */
export async function measureSubgroupSize(device: GPUDevice): Promise<number | null> {
  if (!device.features.has('subgroups')) return null;
  device.pushErrorScope('validation');
  const out = device.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const read = device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  try {
    const module = device.createShaderModule({ code: `enable subgroups;
@group(0) @binding(0) var<storage, read_write> o : array<u32, 4>;
@compute @workgroup_size(128)
fn main(@builtin(subgroup_size) s : u32, @builtin(local_invocation_index) li : u32) { if (li == 0u) { o[0] = s; o[1] = 7u; } }` });
    const pipeline = await device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: out } }] }));
    pass.dispatchWorkgroups(1);
    pass.end();
    enc.copyBufferToBuffer(out, 0, read, 0, 16);
    device.queue.submit([enc.finish()]);
    await read.mapAsync(GPUMapMode.READ);
    const v = new Uint32Array(read.getMappedRange().slice(0));
    read.unmap();
    return v[1] === 7 ? v[0] : null; // the marker: the kernel really ran (the null backend runs nothing)
  } catch {
    return null;
  } finally {
    await device.popErrorScope();
    out.destroy();
    read.destroy();
  }
}
