// f16 tensor-core BatchMatMul for the webgpu backend (issue 25), through Dawn's subgroup matrices
// (chromium_experimental_subgroup_matrix): fp32 tensors are read with vec4 loads where the contiguous dimension
// allows, converted to f16 while the k-tile is staged in workgroup memory (no cast kernel, no f16 copy in GPU
// memory), multiplied with subgroupMatrixMultiplyAccumulate into f32 accumulators, and written as fp32.
//
// A workgroup computes a BM x BN tile with SM x SN subgroups, each SUB_M x SUB_N = (BM/SM) x (BN/SN) made of
// fragments of the device's shape (16x16x16 or 16x8x16, webgpu-tensor-cores.ts). K runs in tiles of BK, and every
// size (M, N, K, the split length) comes from a uniform, so no loop is unrolled over K: the H100 probe compiled a
// 4096³ kernel in ~30 s with constant sizes and in 0.2-0.6 s with uniforms. All four transpose combinations are
// handled by how a tile is staged and loaded: each operand's tile keeps its contiguous dimension contiguous in
// workgroup memory, and the fragment load reads it row-major or column-major, so no transpose kernel runs. Rows of
// the staged tiles are padded by 8 halves (16 bytes) so that consecutive rows start in different banks. Tiles past
// M, N or K are zero-filled while staging; output fragments inside M x N (when N % 4 == 0) are stored straight to
// the output, the rest go through workgroup memory and are written element by element with bounds checks.
// Batched inputs (attention) with equal or size-1 batch; split-K (batch 1) by partial products summed by the fp32
// kernel's SplitKSumProgram.
//
// Variants are named `BMxBNxBK-SMxSN[-db][-sS]` (SM x SN subgroups; db = two workgroup buffers, one barrier per
// k-tile; sS = split K into S parts). chooseTcVariant() picks one per shape: withTensorCoreMatMul(variant) >
// env WID_TC_VARIANT > the measured table (setTcMatMulTable; bench/gpu-tc-check.ts --apply) > defaultTcVariant().
// The kernel runs when matmulPrecision() is 'f16-tc' (matmul-precision.ts) and the device's tensor cores were
// enabled; every other BatchMatMul goes to the kernel registered before it (the fp32 kernel), unchanged.
// Capture (docs/capture.md): the uniforms are the shape's sizes only, so two recordings of a step agree.
import * as tf from '@tensorflow/tfjs';
import { kTileLoop, SplitKSumProgram, unsupportedReason } from './webgpu-matmul.js';
import { matmulPrecision } from './matmul-precision.js';
import { tensorCoreState, type BuiltinStyle, type Fragment, type TensorCoreState } from './webgpu-tensor-cores.js';
import { bufferOf, recordDispatch, type WebgpuInternals } from '../capture/webgpu-internals.js';

export interface TcTile {
  bm: number; bn: number; bk: number;
  /** subgroups along M and N */
  sm: number; sn: number;
  /** two workgroup buffers: tile t+1 is loaded into registers and stored into one while the other is multiplied */
  db: boolean;
  /** split K into this many parts (batch 1 only) */
  splitK: number;
}

const TC_VARIANT_RE = /^(\d+)x(\d+)x(\d+)-(\d+)x(\d+)((?:-db)?)((?:-s\d+)?)$/;

/** Halves of padding after each staged row (16 bytes: consecutive rows start in different banks). */
export const ROW_PAD = 8;

/** Parses a variant name; the checks that depend on the device (fragment, subgroup size) are tcTileProblem's. */
export function parseTcVariant(name: string): TcTile {
  const m = TC_VARIANT_RE.exec(name);
  if (!m) throw new Error(`tensor-core matmul variant "${name}" is not BMxBNxBK-SMxSN[-db][-sS]`);
  const t: TcTile = { bm: +m[1], bn: +m[2], bk: +m[3], sm: +m[4], sn: +m[5], db: m[6] === '-db', splitK: m[7] ? +m[7].slice(2) : 1 };
  if (t.sm < 1 || t.sn < 1) throw new Error(`tensor-core matmul variant "${name}": at least one subgroup along M and N`);
  if (t.bk % 16) throw new Error(`tensor-core matmul variant "${name}": BK must be a multiple of 16`);
  if (t.splitK < 1) throw new Error(`tensor-core matmul variant "${name}": split must be >= 1`);
  return t;
}

export function tcVariantName(t: TcTile): string {
  return `${t.bm}x${t.bn}x${t.bk}-${t.sm}x${t.sn}${t.db ? '-db' : ''}${t.splitK > 1 ? `-s${t.splitK}` : ''}`;
}

export const tcThreadsOf = (t: TcTile, subgroupSize: number) => t.sm * t.sn * subgroupSize;

/** Why this tile cannot run with this fragment and subgroup size, or null. */
export function tcTileProblem(t: TcTile, f: Fragment, subgroupSize: number): string | null {
  if (t.bm % (t.sm * f.m)) return `BM ${t.bm} is not a multiple of ${t.sm} subgroups x fragment M ${f.m}`;
  if (t.bn % (t.sn * f.n)) return `BN ${t.bn} is not a multiple of ${t.sn} subgroups x fragment N ${f.n}`;
  if (t.bk % f.k) return `BK ${t.bk} is not a multiple of fragment K ${f.k}`;
  const threads = tcThreadsOf(t, subgroupSize);
  if (threads > 1024) return `${threads} threads per workgroup`;
  if (((t.bm * t.bk) / 4) % threads || ((t.bn * t.bk) / 4) % threads) return 'each thread must stage whole vec4s of both tiles';
  const frags = (t.bm / t.sm / f.m) * (t.bn / t.sn / f.n);
  if (frags > 32) return `${frags} accumulator fragments per subgroup`;
  return null;
}

/** The variants bench/gpu-tc-check.ts tries on every shape (split variants are added for small outputs). */
export const TC_PROBE_VARIANTS: readonly string[] = [
  '64x64x32-2x2', '64x64x32-2x2-db', '64x64x64-2x2', '64x64x64-2x2-db', '128x64x32-2x2', '64x128x32-2x2',
  '128x128x32-4x2', '128x128x32-4x2-db', '128x128x32-2x2', '128x128x64-4x2', '128x64x64-4x2',
];

export interface TcProblem { batch: number; m: number; n: number; k: number; transA: boolean; transB: boolean }

export const tcProblemKey = (p: TcProblem) => `${p.batch}x${p.m}x${p.n}x${p.k}${p.transA ? 'T' : 'N'}${p.transB ? 'T' : 'N'}`;

/**
 * Per-shape choices (tcProblemKey -> variant): the BERT-base step's shapes, measured by bench/gpu-tc-check.ts on an
 * NVIDIA H100 (docs/performance.md, "Tensor cores"); other shapes take defaultTcVariant.
 */
export const DEFAULT_TC_TABLE: Readonly<Record<string, string>> = {
  '1x4096x768x768NT': '128x128x64-4x2',
  '1x4096x768x768NN': '64x128x32-2x2',
  '1x768x768x4096TN': '64x64x32-2x2-s8',
  '1x4096x3072x768NT': '128x128x64-4x2',
  '1x4096x768x3072NN': '128x128x64-4x2',
  '1x3072x768x4096TN': '64x64x32-2x2-s4',
  '1x4096x768x3072NT': '128x128x64-4x2',
  '1x4096x3072x768NN': '128x128x64-4x2',
  '1x768x3072x4096TN': '64x64x32-2x2-s4',
  '1x4096x30522x768NT': '128x128x32-2x2',
};

let table = new Map<string, string>(Object.entries(DEFAULT_TC_TABLE));
export function setTcMatMulTable(entries: Record<string, string>): void { table = new Map(Object.entries(entries)); }
export const tcMatMulTable = (): Record<string, string> => Object.fromEntries(table);

/**
 * Default when a shape is not in the table (a guess, not measured per shape): the probe's fastest kernel on the
 * H100 (64x64 tiles of 2x2 subgroups, 34.5 TFLOP/s at 4096³); with a long K and fewer than ~2 waves of such
 * tiles on 132 SMs, K split so that about 512 workgroups run.
 */
export function defaultTcVariant(p: TcProblem): string {
  const tiles = p.batch * Math.ceil(p.m / 64) * Math.ceil(p.n / 64);
  if (p.batch === 1 && p.k >= 1024 && tiles < 264) {
    const split = 2 ** Math.min(3, Math.max(1, Math.round(Math.log2(512 / tiles))));
    if (p.k / split >= 256) return `64x64x32-2x2-s${split}`;
  }
  return '64x64x32-2x2';
}

/** Used when the chosen variant cannot run on this device: 128 threads, ~10 KB of workgroup memory. */
export const FALLBACK_TC_VARIANT = '64x64x32-2x2';

let forced: { variant: string | null } | null = null;
/**
 * Runs fn with every webgpu BatchMatMul on the tensor-core kernel whatever matmulPrecision() says (variant null:
 * the table's or the default choice); for the checks and the probe. Needs the tensor cores enabled.
 */
export function withTensorCoreMatMul<T>(variant: string | null, fn: () => T): T {
  const before = forced;
  forced = { variant };
  try { return fn(); } finally { forced = before; }
}

export function chooseTcVariant(p: TcProblem, env: NodeJS.ProcessEnv = process.env): string {
  return forced?.variant ?? env.WID_TC_VARIANT ?? table.get(tcProblemKey(p)) ?? defaultTcVariant(p);
}

/** Everything the WGSL depends on. */
export interface TcShaderSpec {
  tile: TcTile; fragment: Fragment; subgroupSize: number; style: BuiltinStyle;
  transA: boolean; transB: boolean;
  /** vec4 loads from global memory (the contiguous dimension is a multiple of 4) */
  vecA: boolean; vecB: boolean;
  fitM: boolean; fitN: boolean; fitK: boolean;
  /** N % 4 == 0 (and the output holds a fragment): fragments inside M x N are stored straight to the output */
  directStore: boolean;
  broadcastA: boolean; broadcastB: boolean;
  /**
   * The plan splits K (batch 1; workgroup z is the split). Not part of the kernel: the WGSL tells a split from the
   * uniform (kPer < K), so a split and an unsplit problem of the same flags share one pipeline.
   */
  split: boolean;
}

export function tcShaderKey(s: TcShaderSpec): string {
  const b = (x: boolean) => (x ? '1' : '0');
  return `widTcMatMul_${tcVariantName({ ...s.tile, splitK: 1 })}_f${s.fragment.m}x${s.fragment.n}x${s.fragment.k}_sg${s.subgroupSize}_${s.style}`
    + `_${s.transA ? 'T' : 'N'}${s.transB ? 'T' : 'N'}_v${b(s.vecA)}${b(s.vecB)}_fit${b(s.fitM)}${b(s.fitN)}${b(s.fitK)}_d${b(s.directStore)}`
    + `_bc${b(s.broadcastA)}${b(s.broadcastB)}`;
}

/** Needs the per-subgroup scratch for edge fragments. */
const needsScratch = (s: TcShaderSpec) => !(s.directStore && s.fitM && s.fitN);

/** Staged layout of one operand's k-tile: rows x (inner + ROW_PAD) halves, the contiguous dimension inner. */
function operandLayout(s: TcShaderSpec, isA: boolean) {
  const t = s.tile;
  const outer = isA ? t.bm : t.bn;
  const kContig = isA ? !s.transA : s.transB; // A [M,K] / B stored [N,K]: K contiguous
  const rows = kContig ? outer : t.bk, inner = kContig ? t.bk : outer;
  const stride = inner + ROW_PAD;
  return { outer, kContig, rows, inner, stride, tileElems: rows * stride };
}

/** Bytes of workgroup memory the kernel declares. */
export function tcSharedBytes(s: TcShaderSpec): number {
  const nbuf = s.tile.db ? 2 : 1;
  const a = operandLayout(s, true), b = operandLayout(s, false);
  const scratch = needsScratch(s) ? s.tile.sm * s.tile.sn * s.fragment.m * s.fragment.n * 4 : 0;
  return nbuf * (a.tileElems + b.tileElems) * 2 + scratch;
}

/** The WGSL of one kernel (a whole module: it enables f16 and subgroup matrices). */
export function tcMatMulWgsl(s: TcShaderSpec): string {
  const t = s.tile, f = s.fragment;
  const threads = tcThreadsOf(t, s.subgroupSize);
  const subM = t.bm / t.sm, subN = t.bn / t.sn;
  const ti = subM / f.m, tj = subN / f.n;
  const nbuf = t.db ? 2 : 1;
  const vecWg = s.style === 'majorness'; // vec4<f16> workgroup arrays: offsets and strides counted in vec4s
  const unit = vecWg ? 4 : 1;
  const u = (halves: number) => `${halves / unit}u`; // a constant count of halves in array elements

  const operand = (name: 'A' | 'B') => {
    const isA = name === 'A';
    const L = operandLayout(s, isA);
    const vec = isA ? s.vecA : s.vecB;
    const fitOuter = isA ? s.fitM : s.fitN;
    const D = isA ? 'M' : 'N', o0 = isA ? 'row0' : 'col0', base = isA ? 'aBase' : 'bBase';
    const S = `${name}s`;
    const per = (L.outer * t.bk) / 4 / threads;
    const regs = Array.from({ length: per }, (_, j) => `r${name}${j}`);
    const decl = regs.map((r) => `var ${r} = vec4<f16>(0.0);`).join('\n  ');
    const load: string[] = [];
    const store: string[] = [];
    // element (o, k) of the tile: K contiguous -> o * stride + k, else k * stride + o (in halves)
    const coords = (v: string) => (L.kContig
      ? `let o = ${v} / ${t.bk / 4}u; let kk = (${v} % ${t.bk / 4}u) * 4u;`
      : `let kk = ${v} / ${L.outer / 4}u; let o = (${v} % ${L.outer / 4}u) * 4u;`);
    const smemIndex = L.kContig ? `o * ${L.stride}u + kk` : `kk * ${L.stride}u + o`;
    for (let j = 0; j < per; j++) {
      const r = regs[j];
      const v = `(li + ${j * threads}u)`;
      load.push(`{ ${coords(v)} let go = ${o0} + o; let gk = kt + kk;`);
      const ok = [fitOuter ? '' : `go < ${D}`, s.fitK ? '' : 'gk < K'].filter(Boolean).join(' && ') || 'true';
      const at = L.kContig ? `${base} + go * K + gk` : `${base} + gk * ${D} + go`;
      if (vec) {
        load.push(`  ${r} = vec4<f16>(0.0); if (${ok}) { ${r} = vec4<f16>(${name}[(${at}) / 4u]); } }`);
      } else {
        load.push('  var x = vec4<f32>(0.0);');
        for (let c = 0; c < 4; c++) {
          const okc = L.kContig
            ? [fitOuter ? '' : `go < ${D}`, `gk + ${c}u < K`].filter(Boolean).join(' && ')
            : [s.fitK ? '' : 'gk < K', `go + ${c}u < ${D}`].filter(Boolean).join(' && ');
          load.push(`  if (${okc}) { x[${c}] = ${name}[${at} + ${c}u]; }`);
        }
        load.push(`  ${r} = vec4<f16>(x); }`);
      }
      if (vecWg) store.push(`{ ${coords(v)} ${S}[sb * ${u(L.tileElems)} + (${smemIndex}) / 4u] = ${r}; }`);
      else store.push(`{ ${coords(v)} let e = sb * ${L.tileElems}u + ${smemIndex}; ${S}[e] = ${r}.x; ${S}[e + 1u] = ${r}.y; ${S}[e + 2u] = ${r}.z; ${S}[e + 3u] = ${r}.w; }`);
    }
    const elem = vecWg ? 'vec4<f16>' : 'f16';
    return { L, decl, load: load.join('\n    '), store: store.join('\n    '), shared: `var<workgroup> ${S} : array<${elem}, ${(nbuf * L.tileElems) / unit}>;` };
  };
  const A = operand('A'), B = operand('B');

  const leftT = `subgroup_matrix_left<f16, ${f.k}, ${f.m}>`; // <type, columns, rows>: M x K
  const rightT = `subgroup_matrix_right<f16, ${f.n}, ${f.k}>`; // K x N
  const resultT = `subgroup_matrix_result<f32, ${f.n}, ${f.m}>`; // M x N
  const loadCall = (T: string, arr: string, off: string, colMajor: boolean, stride: number) => (vecWg
    ? `subgroupMatrixLoad<${T}, ${colMajor ? 'col_major' : 'row_major'}>(&${arr}, ${off}, ${u(stride)})`
    : `subgroupMatrixLoad<${T}>(&${arr}, ${off}, ${colMajor}, ${stride}u)`);
  const storeCall = (arr: string, off: string, value: string, stride: string) => (vecWg
    ? `subgroupMatrixStore<row_major>(&${arr}, ${off}, ${value}, ${stride});`
    : `subgroupMatrixStore(&${arr}, ${off}, ${value}, false, ${stride});`);

  // one k-tile from buffer `cb`: offsets in halves (divided by 4 for vec4 arrays; every term is a multiple of 4)
  const compute: string[] = [];
  for (let kk = 0; kk < t.bk; kk += f.k) {
    const body: string[] = [];
    for (let i = 0; i < ti; i++) {
      const off = A.L.kContig ? `cb * ${u(A.L.tileElems)} + (sr + ${f.m * i}u) * ${u(A.L.stride)} + ${u(kk)}`
        : `cb * ${u(A.L.tileElems)} + ${u(kk * A.L.stride)} + (sr + ${f.m * i}u) / ${unit}u`;
      body.push(`let a${i} = ${loadCall(leftT, 'As', off, !A.L.kContig, A.L.stride)};`);
    }
    for (let j = 0; j < tj; j++) {
      const off = B.L.kContig ? `cb * ${u(B.L.tileElems)} + (sc + ${f.n * j}u) * ${u(B.L.stride)} + ${u(kk)}`
        : `cb * ${u(B.L.tileElems)} + ${u(kk * B.L.stride)} + (sc + ${f.n * j}u) / ${unit}u`;
      body.push(`let b${j} = ${loadCall(rightT, 'Bs', off, B.L.kContig, B.L.stride)};`);
    }
    for (let i = 0; i < ti; i++) for (let j = 0; j < tj; j++) body.push(`c${i}_${j} = subgroupMatrixMultiplyAccumulate(a${i}, b${j}, c${i}_${j});`);
    compute.push(`{\n      ${body.join('\n      ')}\n    }`);
  }
  const computeBlock = compute.join('\n    ');

  const accDecl = [];
  for (let i = 0; i < ti; i++) for (let j = 0; j < tj; j++) accDecl.push(`var c${i}_${j} = ${resultT}();`);

  const loop = kTileLoop(t.db, t.bk, A, B, computeBlock);

  // output: fragments inside M x N straight to C (N % 4 == 0); otherwise each fragment through the subgroup's
  // scratch in workgroup memory, then the whole workgroup writes the elements inside M x N
  const fragElems = f.m * f.n, sgs = t.sm * t.sn;
  const direct: string[] = [];
  const edge: string[] = [];
  for (let i = 0; i < ti; i++) for (let j = 0; j < tj; j++) {
    direct.push(storeCall('C', `outBase + (row0 + sr + ${f.m * i}u) * N + col0 + sc + ${f.n * j}u`, `c${i}_${j}`, 'N'));
    edge.push(`${storeCall('Cs', `sg * ${fragElems}u`, `c${i}_${j}`, `${f.n}u`)}
    workgroupBarrier();
    for (var e = li; e < ${sgs * fragElems}u; e = e + ${threads}u) {
      let s = e / ${fragElems}u; let w = e % ${fragElems}u;
      let gr = row0 + (s / ${t.sn}u) * ${subM}u + ${f.m * i}u + w / ${f.n}u;
      let gc = col0 + (s % ${t.sn}u) * ${subN}u + ${f.n * j}u + w % ${f.n}u;
      if (gr < M && gc < N) { C[outBase + gr * N + gc] = Cs[e]; }
    }
    workgroupBarrier();`);
  }
  let write: string;
  if (!needsScratch(s)) write = direct.join('\n  ');
  else if (!s.directStore) write = edge.join('\n    ');
  else write = `if (row0 + ${t.bm}u <= M && col0 + ${t.bn}u <= N) {\n    ${direct.join('\n    ')}\n  } else {\n    ${edge.join('\n    ')}\n  }`;

  return `enable f16;
enable chromium_experimental_subgroup_matrix;

// ${tcShaderKey(s)}
struct Dims { M : u32, N : u32, K : u32, kPer : u32 }
@group(0) @binding(0) var<storage, read> A : array<${s.vecA ? 'vec4<f32>' : 'f32'}>;
@group(0) @binding(1) var<storage, read> B : array<${s.vecB ? 'vec4<f32>' : 'f32'}>;
@group(0) @binding(2) var<storage, read_write> C : array<f32>;
@group(0) @binding(3) var<uniform> d : Dims;
${A.shared}
${B.shared}
${needsScratch(s) ? `var<workgroup> Cs : array<f32, ${sgs * fragElems}>;` : ''}

@compute @workgroup_size(${threads})
fn main(@builtin(workgroup_id) wg : vec3<u32>, @builtin(local_invocation_index) li : u32, @builtin(subgroup_id) sg : u32) {
  let M = d.M;
  let N = d.N;
  let K = d.K;
  let kPer = d.kPer;
  let row0 = wg.y * ${t.bm}u;
  let col0 = wg.x * ${t.bn}u;
  let sr = (sg / ${t.sn}u) * ${subM}u;
  let sc = (sg % ${t.sn}u) * ${subN}u;
  // split K (kPer < K; batch 1): workgroup z sums k in [z * kPer, (z + 1) * kPer) into partial z; else z is the batch
  var aBase = 0u;
  var bBase = 0u;
  var kt = 0u;
  if (kPer < K) { kt = wg.z * kPer; }${s.broadcastA && s.broadcastB ? '' : ` else {${s.broadcastA ? '' : ' aBase = wg.z * M * K;'}${s.broadcastB ? '' : ' bBase = wg.z * K * N;'} }`}
  let outBase = wg.z * M * N;
  let numTiles = (kPer + ${t.bk - 1}u) / ${t.bk}u;
  ${accDecl.join('\n  ')}
  ${A.decl}
  ${B.decl}
  ${loop}
  ${write}
}
`;
}

// ---------------------------------------------------------------------------------------------------------------
// pipelines

const pipelineCaches = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();
const cacheOf = (device: GPUDevice) => {
  let c = pipelineCaches.get(device);
  if (!c) { c = new Map(); pipelineCaches.set(device, c); }
  return c;
};

/**
 * Compiles one kernel with Dawn's error reporting (compilation messages, validation scope, async pipeline
 * creation) and caches it for the BatchMatMul kernel; resolves to the error text instead of throwing.
 */
export async function compileTcPipeline(device: GPUDevice, s: TcShaderSpec): Promise<{ ok: boolean; error?: string; ms: number }> {
  const key = tcShaderKey(s);
  const t0 = performance.now();
  if (cacheOf(device).has(key)) return { ok: true, ms: 0 };
  device.pushErrorScope('validation');
  let error: string | undefined;
  try {
    const module = device.createShaderModule({ code: tcMatMulWgsl(s), label: key });
    const info = await module.getCompilationInfo();
    const errs = info.messages.filter((m) => m.type === 'error');
    if (errs.length) error = errs.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join(' | ');
    else {
      const pipeline = await device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' }, label: key });
      cacheOf(device).set(key, pipeline);
    }
  } catch (e) {
    error = (e as Error).message;
  }
  const scoped = await device.popErrorScope();
  if (scoped && !error) { error = scoped.message; cacheOf(device).delete(key); }
  return { ok: !error, ...(error ? { error: error.slice(0, 1000) } : {}), ms: performance.now() - t0 };
}

const compiled = { pipelines: 0, ms: 0, keys: [] as string[] };
/**
 * Pipelines the BatchMatMul kernel compiled on first use in this process (synchronously: the step waits for the
 * compiler), their total milliseconds and their keys; benches report it per task, tests check that new shapes do not
 * mean new pipelines (the kernel's WGSL holds no size: M, N, K come from a uniform).
 */
export const tcPipelineStats = (): { pipelines: number; ms: number; keys: string[] } => ({ ...compiled, keys: [...compiled.keys] });

function pipelineFor(device: GPUDevice, s: TcShaderSpec): GPUComputePipeline {
  const key = tcShaderKey(s);
  let p = cacheOf(device).get(key);
  if (!p) {
    const t0 = performance.now();
    p = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code: tcMatMulWgsl(s), label: key }), entryPoint: 'main' }, label: key });
    cacheOf(device).set(key, p);
    compiled.pipelines++;
    compiled.ms += performance.now() - t0;
    compiled.keys.push(key);
  }
  return p;
}

// ---------------------------------------------------------------------------------------------------------------
// dispatch

export interface TcRunPlan {
  spec: TcShaderSpec; variant: string; m: number; n: number; k: number; batch: number;
  splits: number; kPerSplit: number; grid: [number, number, number];
}

interface Limits { maxComputeWorkgroupStorageSize: number; maxComputeInvocationsPerWorkgroup: number }

/**
 * What one problem runs as on this device: the variant (the chosen one, or FALLBACK_TC_VARIANT when it does not fit
 * the device), the shader spec, the split and the grid. Throws when even the fallback does not fit.
 */
export function planTcMatMul(p: TcProblem & { broadcastA: boolean; broadcastB: boolean }, variant: string, st: TensorCoreState, limits: Limits): TcRunPlan {
  const specOf = (name: string): { spec: TcShaderSpec; splits: number; kPerSplit: number } | string => {
    let tile: TcTile;
    try { tile = parseTcVariant(name); } catch (e) { return (e as Error).message; }
    const problem = tcTileProblem(tile, st.fragment, st.subgroupSize);
    if (problem) return `${name}: ${problem}`;
    if (tcThreadsOf(tile, st.subgroupSize) > limits.maxComputeInvocationsPerWorkgroup) return `${name}: more threads than the device allows`;
    let splits = 1, kPerSplit = p.k;
    if (tile.splitK > 1 && p.batch === 1) {
      kPerSplit = Math.ceil(Math.ceil(p.k / tile.splitK) / tile.bk) * tile.bk;
      splits = Math.ceil(p.k / kPerSplit);
      if (splits === 1) kPerSplit = p.k;
    }
    const spec: TcShaderSpec = {
      tile, fragment: st.fragment, subgroupSize: st.subgroupSize, style: st.style, transA: p.transA, transB: p.transB,
      vecA: (p.transA ? p.m : p.k) % 4 === 0, vecB: (p.transB ? p.k : p.n) % 4 === 0,
      fitM: p.m % tile.bm === 0, fitN: p.n % tile.bn === 0, fitK: p.k % tile.bk === 0 && kPerSplit * splits === p.k,
      // Dawn sizes the output binding for one whole fragment when the shader stores fragments to it directly
      directStore: p.n % 4 === 0 && p.m >= st.fragment.m && p.n >= st.fragment.n, broadcastA: p.broadcastA, broadcastB: p.broadcastB, split: splits > 1,
    };
    if (tcSharedBytes(spec) > limits.maxComputeWorkgroupStorageSize) return `${name}: ${tcSharedBytes(spec)} B of workgroup memory, the device allows ${limits.maxComputeWorkgroupStorageSize}`;
    return { spec, splits, kPerSplit };
  };
  let used = variant;
  let r = specOf(variant);
  if (typeof r === 'string') { used = FALLBACK_TC_VARIANT; r = specOf(FALLBACK_TC_VARIANT); }
  if (typeof r === 'string') throw new Error(`tensor-core matmul: no variant fits this device (${r})`);
  const t = r.spec.tile;
  const z = r.splits > 1 ? r.splits : p.batch;
  return { ...r, variant: used, m: p.m, n: p.n, k: p.k, batch: p.batch, grid: [Math.ceil(p.n / t.bn), Math.ceil(p.m / t.bm), z] };
}

type KernelArgs = Parameters<tf.KernelFunc>[0];
const prod = (xs: number[]) => xs.reduce((a, b) => a * b, 1);

/** The problem a BatchMatMul call describes, or null where the kernel does not take it (then the fp32 path runs). */
export function tcProblemOf(a: tf.TensorInfo, b: tf.TensorInfo, transA: boolean, transB: boolean): (TcProblem & { broadcastA: boolean; broadcastB: boolean }) | null {
  if (unsupportedReason(a, b)) return null;
  const ar = a.shape.length, br = b.shape.length;
  const m = transA ? a.shape[ar - 1] : a.shape[ar - 2];
  const k = transA ? a.shape[ar - 2] : a.shape[ar - 1];
  const kb = transB ? b.shape[br - 1] : b.shape[br - 2];
  const n = transB ? b.shape[br - 2] : b.shape[br - 1];
  if (k !== kb || m === 0 || n === 0 || k === 0) return null;
  const batchA = prod(a.shape.slice(0, -2)), batchB = prod(b.shape.slice(0, -2));
  const batch = Math.max(batchA, batchB);
  return { batch, m, n, k, transA, transB, broadcastA: batchA !== batch, broadcastB: batchB !== batch };
}

let dispatches = 0;
/** How many tensor-core matmuls this process dispatched (tests and benches check the path ran). */
export const tcDispatchCount = () => dispatches;

/**
 * Runs one matmul on the tensor cores: returns [z, M, N] (z = batch), written into `output` when given, and with
 * split K the partial products into `partials` [splits, M, N] when given (the checks pass NaN-filled tensors to
 * catch unwritten elements; `partials` is then the caller's to dispose).
 */
export function runTcMatMul(be: WebgpuInternals, a: tf.TensorInfo, b: tf.TensorInfo, plan: TcRunPlan, output?: tf.TensorInfo, partials?: tf.TensorInfo): tf.TensorInfo {
  const { spec, m, n, k } = plan;
  const target = plan.splits > 1 ? (partials ?? be.makeTensorInfo([plan.splits, m, n], 'float32')) : (output ?? be.makeTensorInfo([plan.batch, m, n], 'float32'));
  be.uploadToGPU(target.dataId);
  const pipeline = pipelineFor(be.device, spec);
  const uniform = be.makeUniforms([{ type: 'uint32', data: [m, n, k, plan.kPerSplit] }]);
  const bindGroup = be.device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [
      { binding: 0, resource: { buffer: bufferOf(be, a) } },
      { binding: 1, resource: { buffer: bufferOf(be, b) } },
      { binding: 2, resource: { buffer: bufferOf(be, target) } },
      { binding: 3, resource: uniform },
    ],
  });
  recordDispatch(be, 'WidTcMatMul', pipeline, bindGroup, plan.grid, [a, b, target]);
  dispatches++;
  if (plan.splits === 1) return target;
  const backend = be as unknown as { runWebGPUProgram(p: unknown, inputs: tf.TensorInfo[], dtype: string, u: unknown[], out?: tf.TensorInfo): tf.TensorInfo; disposeData(id: object): void };
  const sumProgram = new SplitKSumProgram(m, n, plan.splits);
  const sum = backend.runWebGPUProgram(sumProgram, [target], 'float32', sumProgram.uniformData, output);
  if (!partials) backend.disposeData(target.dataId);
  return sum;
}

const deviceLimits = (be: WebgpuInternals): Limits => ({
  maxComputeWorkgroupStorageSize: be.device.limits.maxComputeWorkgroupStorageSize,
  maxComputeInvocationsPerWorkgroup: be.device.limits.maxComputeInvocationsPerWorkgroup,
});

/** The plan the BatchMatMul kernel would use for this problem on the active device (benches print it). */
export function tcPlanFor(be: WebgpuInternals, p: TcProblem & { broadcastA: boolean; broadcastB: boolean }, variant = chooseTcVariant(p)): TcRunPlan {
  const st = tensorCoreState();
  if (!st) throw new Error('tensor cores are not enabled on this device');
  return planTcMatMul(p, variant, st, deviceLimits(be));
}

/** The tensor-core BatchMatMul for one call, or null when it does not take it. */
function tcBatchMatMul(args: KernelArgs): tf.TensorInfo | null {
  const st = tensorCoreState();
  if (!st) return null;
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
  const p = tcProblemOf(a, b, transposeA, transposeB);
  if (!p) return null;
  const be = args.backend as unknown as WebgpuInternals;
  const plan = planTcMatMul(p, chooseTcVariant(p), st, deviceLimits(be));
  if (plan.grid.some((g) => g > be.device.limits.maxComputeWorkgroupsPerDimension)) return null; // the fp32 kernel folds large grids
  const out = runTcMatMul(be, a, b, plan);
  const outShape = [...tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2)), p.m, p.n];
  const reshape = tf.getKernel('Reshape', 'webgpu')!;
  const result = reshape.kernelFunc({ inputs: { x: out }, backend: args.backend, attrs: { shape: outShape } }) as tf.TensorInfo;
  (args.backend as unknown as { disposeData(id: object): void }).disposeData(out.dataId);
  return result;
}

let registered = false;
/** Whether registerTensorCoreMatMul() ran (WID_WEBGPU_KERNELS may leave it out). */
export const tensorCoreMatMulRegistered = () => registered;

/**
 * Wraps the registered webgpu BatchMatMul (the fp32 kernel, or tfjs' own when that is left out): calls go to the
 * tensor-core kernel when matmulPrecision() is 'f16-tc' (or inside withTensorCoreMatMul) and the device's tensor
 * cores are enabled, else to the kernel it wraps, untouched. Idempotent.
 */
export function registerTensorCoreMatMul(): void {
  if (registered) return;
  const previous = tf.getKernel('BatchMatMul', 'webgpu');
  if (!previous) throw new Error('webgpu kernel BatchMatMul is not registered; import @tensorflow/tfjs-backend-webgpu first');
  tf.unregisterKernel('BatchMatMul', 'webgpu');
  const fp32 = previous.kernelFunc;
  const kernelFunc: tf.KernelFunc = (args) => {
    if (forced || matmulPrecision() === 'f16-tc') {
      const out = tcBatchMatMul(args);
      if (out) return out;
    }
    return fp32(args);
  };
  tf.registerKernel({ kernelName: 'BatchMatMul', backendName: 'webgpu', kernelFunc, setupFunc: previous.setupFunc, disposeFunc: previous.disposeFunc });
  registered = true;
}

/**
 * The kernels enableTensorCores() compiles before it declares the tensor cores usable: between them every code
 * path (row- and column-major fragment loads of both operands, vec4 and scalar global loads, direct and
 * scratch-staged stores, split K, double buffering where the device's workgroup memory holds it). Resolves to
 * null when all compile, else the first error.
 */
export async function tensorCoreCompileCheck(device: GPUDevice, st: TensorCoreState): Promise<string | null> {
  const tile = parseTcVariant(FALLBACK_TC_VARIANT);
  const base = { fragment: st.fragment, subgroupSize: st.subgroupSize, style: st.style, broadcastA: false, broadcastB: false };
  const specs: TcShaderSpec[] = [
    { ...base, tile, transA: false, transB: true, vecA: true, vecB: true, fitM: false, fitN: false, fitK: false, directStore: true, split: false },
    { ...base, tile, transA: true, transB: false, vecA: false, vecB: false, fitM: true, fitN: true, fitK: true, directStore: false, split: true },
    { ...base, tile: { ...tile, db: true }, transA: false, transB: false, vecA: true, vecB: true, fitM: true, fitN: true, fitK: true, directStore: true, split: false },
  ];
  const fits = specs.filter((s) => tcSharedBytes(s) <= device.limits.maxComputeWorkgroupStorageSize);
  if (fits.length < 2) return `${device.limits.maxComputeWorkgroupStorageSize} B of workgroup memory cannot hold the smallest kernel`;
  for (const s of fits) {
    const r = await compileTcPipeline(device, s);
    if (!r.ok) return r.error ?? 'unknown error';
  }
  return null;
}
