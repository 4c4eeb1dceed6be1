// fp32 BatchMatMul for the webgpu backend: register-tiled WGSL (each thread accumulates a TM x TN
// block, the workgroup a BM x BN block), k-tiles of BK staged in workgroup memory k-major so the inner
// loop reads vec4s, the next k-tile fetched into registers while the current one is multiplied, and
// optionally two workgroup buffers (one barrier per k-tile). All four transpose combinations are
// handled by how a tile is loaded (vec4 loads along whichever dimension is contiguous when it is a
// multiple of 4, bounds-checked scalar loads otherwise), so no transpose kernels run. Batched inputs
// (attention) with equal or size-1 batch, and split-K for small outputs with a long K (weight
// gradients [768 x 768] over 4096 tokens) by partial products summed in a second dispatch.
//
// Why: tfjs-webgpu 4.22's MatMulPackedProgram uses 32x32 tiles with 4x4 per thread and falls back to
// scalar loads whenever B is transposed (every forward Linear: HF weights are [out, in]); it was 81%
// of the BERT-base step's GPU time on an H200 (docs/performance.md). With this kernel the step's matmuls
// took 80.4 instead of 161.6 ms of GPU time (H200, session 4; per shape 1.2-9.5x, up to 45 TFLOP/s).
//
// Tile variants are named `BMxBNxBK-TMxTN[-db][-sS]` (db = double-buffered workgroup memory, sS =
// split K into S parts). chooseMatMulVariant() picks one per shape; env WID_MATMUL_VARIANT forces one
// for every shape ('tfjs' = tfjs' own kernel); WID_WEBGPU_KERNELS=matmul leaves the kernel out.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { MATMUL_BIAS } from './matmul-bias.js';

export interface MatMulTile {
  bm: number; bn: number; bk: number; tm: number; tn: number;
  /** two workgroup buffers: load tile t+1 into one while the other is read (one barrier per k-tile) */
  db: boolean;
  /** split K into this many parts (batch 1 only); partial products are summed by a second dispatch */
  splitK: number;
}

const VARIANT_RE = /^(\d+)x(\d+)x(\d+)-(\d+)x(\d+)((?:-db)?)((?:-s\d+)?)$/;

export function parseVariant(name: string): MatMulTile {
  const m = VARIANT_RE.exec(name);
  if (!m) throw new Error(`matmul variant "${name}" is not BMxBNxBK-TMxTN[-db][-sS]`);
  const t: MatMulTile = { bm: +m[1], bn: +m[2], bk: +m[3], tm: +m[4], tn: +m[5], db: m[6] === '-db', splitK: m[7] ? +m[7].slice(2) : 1 };
  const problem = tileProblem(t);
  if (problem) throw new Error(`matmul variant "${name}": ${problem}`);
  return t;
}

export function variantName(t: MatMulTile): string {
  return `${t.bm}x${t.bn}x${t.bk}-${t.tm}x${t.tn}${t.db ? '-db' : ''}${t.splitK > 1 ? `-s${t.splitK}` : ''}`;
}

export const threadsOf = (t: MatMulTile) => (t.bm / t.tm) * (t.bn / t.tn);
export const sharedBytesOf = (t: MatMulTile) => (t.db ? 2 : 1) * t.bk * (t.bm + t.bn) * 4;

function tileProblem(t: MatMulTile): string | null {
  if (t.tm % 4 || t.tn % 4 || t.bk % 4) return 'TM, TN and BK must be multiples of 4';
  if (t.bm % t.tm || t.bn % t.tn) return 'BM must be a multiple of TM and BN of TN';
  const threads = threadsOf(t);
  if (threads < 32 || threads > 1024) return `${threads} threads per workgroup`;
  if (((t.bm * t.bk) / 4) % threads || ((t.bn * t.bk) / 4) % threads) return 'each thread must load whole vec4s of both tiles';
  if (t.splitK < 1) return 'split must be >= 1';
  return null;
}

/** The variants the GPU probe tries (bench/gpu-matmul-probe.ts). */
export const PROBE_VARIANTS: readonly string[] = [
  '128x128x16-8x8', '128x128x16-8x8-db', '128x128x8-8x8', '128x128x8-8x8-db',
  '128x64x16-8x8', '64x128x16-8x8', '64x64x16-4x4', '64x64x16-4x4-db',
];
// Not in the list: 64-thread workgroups (64x64x16-8x8) and BK = 32 (128x128x32-8x8) made SwiftShader's
// shader compiler grow past 6-17 GB on the development machine, so they cannot be checked there.

interface Problem { batch: number; m: number; n: number; k: number; transA: boolean; transB: boolean }

export const problemKey = (p: Problem) => `${p.batch}x${p.m}x${p.n}x${p.k}${p.transA ? 'T' : 'N'}${p.transB ? 'T' : 'N'}`;

/**
 * Per-shape choices measured on an H200 (problemKey -> variant or 'tfjs'; bench/gpu-matmul-probe.ts,
 * docs/performance.md). Shapes not listed use defaultVariant().
 */
export const DEFAULT_MATMUL_TABLE: Readonly<Record<string, string>> = {
  // every matmul of the BERT-base and BERT-small MLM training step at b32 s128 (session 4, device call 2;
  // the probe's fastest correct variant, split variants charged SPLIT_PENALTY_MS for their extra dispatch)
  '1x4096x768x768NT': '128x64x16-8x8',
  '1x4096x768x768NN': '128x128x16-8x8',
  '1x768x768x4096TN': '128x128x16-8x8-s8',
  '1x4096x3072x768NT': '128x128x8-8x8',
  '1x4096x768x3072NN': '64x128x16-8x8',
  '1x3072x768x4096TN': '128x128x16-8x8-s8',
  '1x4096x768x3072NT': '128x64x16-8x8',
  '1x4096x3072x768NN': '128x128x16-8x8',
  '1x768x3072x4096TN': '128x128x16-8x8-s8',
  '1x4096x30522x768NT': '128x128x16-8x8',
  '1x4096x768x30522NN': '128x128x16-8x8-s4',
  '1x30522x768x4096TN': '128x128x16-8x8',
  '384x128x128x64NT': '128x128x8-8x8',
  '384x128x64x128NN': 'tfjs',
  '384x128x64x128TN': '128x64x16-8x8',
  '1x4096x30522x256NT': '128x128x16-8x8',
  '1x4096x256x30522NN': '128x128x16-8x8-s4',
  '1x30522x256x4096TN': '128x128x16-8x8-s8',
  '1x4096x256x256NT': '128x64x16-8x8',
  '1x4096x256x256NN': '128x64x16-8x8',
  '1x256x256x4096TN': 'tfjs',
  '1x4096x1024x256NT': '128x128x8-8x8-db',
  '1x4096x256x1024NN': '128x64x16-8x8',
  '1x1024x256x4096TN': '128x128x16-8x8-s8',
  '1x4096x256x1024NT': '128x64x16-8x8',
  '1x4096x1024x256NN': '128x128x16-8x8',
  '1x256x1024x4096TN': '128x128x16-8x8-s8',
  '128x128x128x64NT': '128x64x16-8x8',
  '128x128x64x128NN': '64x64x16-4x4',
  '128x128x64x128TN': '64x64x16-4x4',
  // the WID step's compactor products on the real teacher's shape (4L-512H, wid55; unbatched and batched),
  // probed on an H100 (docs/lab/2026-12-07-h100-s4/call-a/11-gpu-matmul-probe.json)
  '1x2048x512x2048NN': '64x128x16-8x8',
  '1x2048x2048x512NT': '128x128x8-8x8',
  '1x2048x512x2048TN': '128x128x16-8x8-s4',
  '1x512x2048x2048NT': '128x128x8-8x8-db-s4',
  '1x512x2048x2048NN': '128x128x16-8x8-s4',
  '1x2048x2048x512TN': '128x128x8-8x8-db',
  '4x2048x512x2048NN': '128x128x8-8x8-db',
  '4x2048x2048x512NT': '128x128x8-8x8',
  '4x2048x512x2048TN': '128x128x8-8x8-db',
  '4x512x2048x2048NN': '64x64x16-4x4',
  '4x512x2048x2048NT': '128x128x8-8x8',
  '4x2048x2048x512TN': '64x128x16-8x8',
  '1x30522x512x512NT': '128x128x16-8x8',
  '1x30522x512x512NN': '128x128x16-8x8',
  '1x512x512x30522TN': '128x128x8-8x8-db-s8',
  '1x512x512x512NN': 'tfjs',
  '1x512x512x512NT': 'tfjs',
  '1x512x512x512TN': 'tfjs',
  '17x512x512x512NN': '128x128x16-8x8',
  '17x512x512x512NT': '128x128x8-8x8',
  '17x512x512x512TN': '64x128x16-8x8',
  '1x2048x512x512NT': '128x64x16-8x8',
  '1x2048x512x512NN': '64x128x16-8x8',
  '1x512x512x2048TN': 'tfjs',
  '1x512x2048x512NN': '64x128x16-8x8',
  '1x512x512x2048NT': '128x64x16-8x8-s8',
  '1x512x2048x512TN': '64x128x16-8x8',
  '4x2048x512x512NN': '128x128x16-8x8',
  '4x2048x512x512NT': '128x128x8-8x8',
  '4x512x512x2048TN': '64x128x16-8x8',
  '4x512x2048x512NN': '128x128x16-8x8',
  '4x512x512x2048NT': '128x64x16-8x8',
  '4x512x2048x512TN': '128x128x8-8x8-db',
  '1x2048x1x2048NN': 'tfjs',
  '4x2048x1x2048NN': 'tfjs',
  '1x512x1x512NN': 'tfjs',
  '17x512x1x512NN': 'tfjs',
  '4x512x1x512NN': 'tfjs',
};

let table = new Map<string, string>(Object.entries(DEFAULT_MATMUL_TABLE));
export function setMatMulTable(entries: Record<string, string>): void { table = new Map(Object.entries(entries)); }

/**
 * Default choice when a shape is not in the table (rules read off the H200 probe, not tuned further):
 * 128x128 tiles while they give at least ~2 waves of workgroups on a large GPU, else split K (batch 1,
 * long K), 128x64 or 64x64 tiles.
 */
export function defaultVariant(p: Problem): string {
  const tiles = (bm: number, bn: number) => p.batch * Math.ceil(p.m / bm) * Math.ceil(p.n / bn);
  if (p.n <= 64) return tiles(128, 64) >= 256 ? '128x64x16-8x8' : '64x64x16-4x4'; // attention context [., 64]
  if (tiles(128, 128) >= 256) return '128x128x16-8x8';
  if (p.batch === 1 && p.k >= 2048) {
    // ~1024 workgroups in all: the per-shape best on the H200 was s8 at 36-144 tiles, s4 at 192
    const split = 2 ** Math.min(3, Math.max(1, Math.round(Math.log2(1024 / tiles(128, 128)))));
    return `128x128x16-8x8-s${split}`;
  }
  if (tiles(128, 64) >= 256) return '128x64x16-8x8';
  return '64x64x16-4x4';
}

let forced: string | null = null;
/** Runs fn with every BatchMatMul on webgpu forced to `variant` ('tfjs' = tfjs' kernel); for probes and tests. */
export function withMatMulVariant<T>(variant: string | null, fn: () => T): T {
  const before = forced;
  forced = variant;
  try { return fn(); } finally { forced = before; }
}

export function chooseMatMulVariant(p: Problem, env: NodeJS.ProcessEnv = process.env): string {
  return forced ?? env.WID_MATMUL_VARIANT ?? table.get(problemKey(p)) ?? defaultVariant(p);
}

interface ProgramSpec extends Problem {
  tile: MatMulTile;
  broadcastA: boolean; broadcastB: boolean;
  /** split count actually dispatched and the k range per split (a multiple of BK) */
  splits: number; kPerSplit: number;
  /** a bias [N] added to every output row when the result is stored (WidMatMulBias; by SplitKSumProgram when split) */
  bias?: boolean;
}

const vecA = (p: Problem) => (p.transA ? p.m : p.k) % 4 === 0; // contiguous dim of A: K (A [M,K]) or M (Aᵀ stored [K,M])
const vecB = (p: Problem) => (p.transB ? p.k : p.n) % 4 === 0; // B [K,N]: N; Bᵀ stored [N,K]: K

/** What a generator stages per operand: register loads of the next k-tile and their stores into workgroup memory. */
export interface TileStaging { load: string; store: string }

/**
 * The k-tile loop both matmul generators share (this fp32 kernel and the f16 tensor-core one): with `db` the next
 * tile is loaded into registers and stored into the other workgroup buffer while the current one is multiplied (one
 * barrier per tile); without, stored then multiplied (two barriers per tile). Expects `kt`, `numTiles` in scope and
 * reads workgroup buffer `cb` while staging into `sb`.
 */
export function kTileLoop(db: boolean, bk: number, A: TileStaging, B: TileStaging, computeBlock: string): string {
  return db ? `
      var sb = 0u;
      ${A.load}
      ${B.load}
      ${A.store}
      ${B.store}
      workgroupBarrier();
      for (var tile = 0u; tile < numTiles; tile++) {
        let cb = tile % 2u;
        if (tile + 1u < numTiles) {
          kt = kt + ${bk}u;
          ${A.load}
          ${B.load}
        }
        ${computeBlock}
        if (tile + 1u < numTiles) {
          sb = 1u - cb;
          ${A.store}
          ${B.store}
        }
        workgroupBarrier();
      }` : `
      let sb = 0u;
      let cb = 0u;
      ${A.load}
      ${B.load}
      for (var tile = 0u; tile < numTiles; tile++) {
        ${A.store}
        ${B.store}
        workgroupBarrier();
        if (tile + 1u < numTiles) {
          kt = kt + ${bk}u;
          ${A.load}
          ${B.load}
        }
        ${computeBlock}
        workgroupBarrier();
      }`;
}

export class WidMatMulProgram implements WebGPUProgram {
  variableNames = ['A', 'B'];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [2], y: [1], z: [0] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  uniforms = 'dimM : i32, dimN : i32, dimK : i32, kPerSplit : i32,';
  variableComponents: number[];
  outputComponent: number;
  private readonly s: ProgramSpec;
  private readonly vecOut: boolean;

  constructor(s: ProgramSpec) {
    this.s = s;
    const t = s.tile;
    const z = s.splits > 1 ? s.splits : s.batch;
    this.outputShape = [z, s.m, s.n];
    this.workgroupSize = [threadsOf(t), 1, 1];
    this.dispatch = [Math.ceil(s.n / t.bn), Math.ceil(s.m / t.bm), z];
    this.variableComponents = [vecA(s) ? 4 : 1, vecB(s) ? 4 : 1];
    this.vecOut = s.n % 4 === 0;
    const epilogueBias = !!s.bias && s.splits === 1;
    if (epilogueBias) { this.variableNames = ['A', 'B', 'bias']; this.variableComponents.push(this.vecOut ? 4 : 1); }
    this.outputComponent = this.vecOut ? 4 : 1;
    const fit = [s.m % t.bm === 0, s.n % t.bn === 0, s.k % t.bk === 0 && s.kPerSplit * s.splits === s.k].map(Number).join('');
    this.shaderKey = `widMatMul_${variantName(t)}_${s.transA ? 'T' : 'N'}${s.transB ? 'T' : 'N'}_${this.variableComponents.join('')}${this.outputComponent}`
      + `_${fit}_${Number(s.broadcastA)}${Number(s.broadcastB)}_${Number(s.splits > 1)}${epilogueBias ? '_bias' : ''}`;
  }

  getUserCode(): string {
    const s = this.s, t = s.tile;
    const threads = threadsOf(t), tx = t.bn / t.tn, ty = t.bm / t.tm;
    const fitM = s.m % t.bm === 0, fitN = s.n % t.bn === 0, fitK = s.k % t.bk === 0 && s.kPerSplit * s.splits === s.k;
    const nbuf = t.db ? 2 : 1;

    // One operand's k-tile: `outer` = M (A) or N (B) rows of the tile; element (o, k) of the operand is at
    // base + o*K + k when K is contiguous, else base + k*D + o (D = M or N).
    const operand = (name: 'A' | 'B') => {
      const isA = name === 'A';
      const outer = isA ? t.bm : t.bn;
      const kContig = isA ? !s.transA : s.transB;
      const vec = isA ? vecA(s) : vecB(s);
      const fitOuter = isA ? fitM : fitN;
      const D = isA ? 'M' : 'N', o0 = isA ? 'row0' : 'col0', base = isA ? 'aBase' : 'bBase';
      const S = isA ? 'As' : 'Bs';
      const per = (outer * t.bk) / 4 / threads;
      const regs = Array.from({ length: per }, (_, j) => `r${name}${j}`);
      const decl = regs.map((r) => `var ${r} = vec4<f32>(0.0);`).join('\n');
      const load: string[] = [];
      const store: string[] = [];
      for (let j = 0; j < per; j++) {
        const r = regs[j];
        const v = `(tid + ${j * threads}u)`;
        if (kContig) {
          load.push(`{ let o = ${v} % ${outer}u; let kk = (${v} / ${outer}u) * 4u; let go = ${o0} + o; let gk = kt + kk;`);
          const rowOk = fitOuter ? 'true' : `go < ${D}`;
          if (vec) {
            const ok = [fitOuter ? '' : `go < ${D}`, fitK ? '' : 'gk < K'].filter(Boolean).join(' && ') || 'true';
            load.push(`  ${r} = vec4<f32>(0.0); if (${ok}) { ${r} = ${name}[(${base} + go * K + gk) / 4u]; } }`);
          } else {
            load.push(`  ${r} = vec4<f32>(0.0);`);
            for (let c = 0; c < 4; c++) load.push(`  if (${rowOk} && gk + ${c}u < K) { ${r}[${c}] = ${name}[${base} + go * K + gk + ${c}u]; }`);
            load.push('}');
          }
          store.push(`{ let o = ${v} % ${outer}u; let kk = (${v} / ${outer}u) * 4u; let q = o / 4u; let c = o % 4u;`);
          for (let c = 0; c < 4; c++) store.push(`  ${S}[sb][kk + ${c}u][q][c] = ${r}[${c}];`);
          store.push('}');
        } else {
          load.push(`{ let o4 = ${v} % ${outer / 4}u; let kk = ${v} / ${outer / 4}u; let go = ${o0} + o4 * 4u; let gk = kt + kk;`);
          const kOk = fitK ? 'true' : 'gk < K';
          if (vec) {
            const ok = [fitOuter ? '' : `go < ${D}`, fitK ? '' : 'gk < K'].filter(Boolean).join(' && ') || 'true';
            load.push(`  ${r} = vec4<f32>(0.0); if (${ok}) { ${r} = ${name}[(${base} + gk * ${D} + go) / 4u]; } }`);
          } else {
            load.push(`  ${r} = vec4<f32>(0.0);`);
            for (let c = 0; c < 4; c++) load.push(`  if (${kOk} && go + ${c}u < ${D}) { ${r}[${c}] = ${name}[${base} + gk * ${D} + go + ${c}u]; }`);
            load.push('}');
          }
          store.push(`{ let o4 = ${v} % ${outer / 4}u; let kk = ${v} / ${outer / 4}u; ${S}[sb][kk][o4] = ${r}; }`);
        }
      }
      return { decl, load: load.join('\n'), store: store.join('\n'), shared: `var<workgroup> ${S} : array<array<array<vec4<f32>, ${outer / 4}>, ${t.bk}>, ${nbuf}>;` };
    };
    const A = operand('A'), B = operand('B');

    const rcN = t.tm / 4, ccN = t.tn / 4;
    const accDecl: string[] = [];
    for (let r = 0; r < t.tm; r++) for (let c = 0; c < ccN; c++) accDecl.push(`var acc${r}_${c} = vec4<f32>(0.0);`);
    const compute: string[] = [];
    for (let kk = 0; kk < t.bk; kk++) {
      // [buffer][k][vec4 column]: k is a constant here and the column index is loop-invariant (ia*, ib*),
      // so the bounds clamps of Dawn's robustness do not sit on every shared-memory read
      for (let rc = 0; rc < rcN; rc++) compute.push(`let a${rc} = As[cb][${kk}][ia${rc}];`);
      for (let cc = 0; cc < ccN; cc++) compute.push(`let b${cc} = Bs[cb][${kk}][ib${cc}];`);
      for (let rc = 0; rc < rcN; rc++) for (let i = 0; i < 4; i++) for (let cc = 0; cc < ccN; cc++) {
        const acc = `acc${rc * 4 + i}_${cc}`;
        compute.push(`${acc} = fma(vec4<f32>(a${rc}[${i}]), b${cc}, ${acc});`);
      }
      compute.push('');
    }
    // a fresh scope per k step keeps the let names reusable
    const computeBlock = compute.join('\n').split('\n\n').filter(Boolean).map((b) => `{\n${b}\n}`).join('\n');

    const write: string[] = [];
    const withBias = !!s.bias && s.splits === 1; // the same f32 add as tfjs' Add after the product
    for (let rc = 0; rc < rcN; rc++) for (let i = 0; i < 4; i++) {
      write.push(`{ let gr = row0 + ${rc * ty * 4 + i}u + ty * 4u;`);
      for (let cc = 0; cc < ccN; cc++) {
        const acc = `acc${rc * 4 + i}_${cc}`;
        write.push(`  { let gc = col0 + ${cc * tx * 4}u + tx * 4u;`);
        if (this.vecOut) {
          const ok = [fitM ? '' : 'gr < M', fitN ? '' : 'gc < N'].filter(Boolean).join(' && ') || 'true';
          write.push(`    if (${ok}) { result[(outBase + gr * N + gc) / 4u] = ${acc}${withBias ? ' + bias[gc / 4u]' : ''}; } }`);
        } else {
          for (let c = 0; c < 4; c++) write.push(`    if (gr < M && gc + ${c}u < N) { result[outBase + gr * N + gc + ${c}u] = ${acc}[${c}]${withBias ? ` + bias[gc + ${c}u]` : ''}; }`);
          write.push('  }');
        }
      }
      write.push('}');
    }

    const split = s.splits > 1;
    const z = 'workgroupId.z';
    const loop = kTileLoop(t.db, t.bk, A, B, computeBlock);
    return `
      ${A.shared}
      ${B.shared}
      fn main() {
        let tid = localIndex;
        let tx = tid % ${tx}u;
        let ty = tid / ${tx}u;
        let M = u32(uniforms.dimM);
        let N = u32(uniforms.dimN);
        let K = u32(uniforms.dimK);
        let kPer = u32(uniforms.kPerSplit);
        let row0 = workgroupId.y * ${t.bm}u;
        let col0 = workgroupId.x * ${t.bn}u;
        let aBase = ${split || s.broadcastA ? '0u' : `${z} * M * K`};
        let bBase = ${split || s.broadcastB ? '0u' : `${z} * K * N`};
        let outBase = ${z} * M * N;
        var kt = ${split ? `${z} * kPer` : '0u'};
        let numTiles = (kPer + ${t.bk - 1}u) / ${t.bk}u;
        ${Array.from({ length: rcN }, (_, rc) => `let ia${rc} = ${rc * ty}u + ty;`).join(' ')}
        ${Array.from({ length: ccN }, (_, cc) => `let ib${cc} = ${cc * tx}u + tx;`).join(' ')}
        ${accDecl.join('\n')}
        ${A.decl}
        ${B.decl}
        ${loop}
        ${write.join('\n')}
      }`;
  }
}

/** Sums the split-K partial products [S, M, N] -> [1, M, N]. */
export class SplitKSumProgram implements WebGPUProgram {
  variableNames = ['P'];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0, 1, 2] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [256, 1, 1];
  size = true;
  uniforms = 'splits : i32, cols : i32,';
  variableComponents?: number[];
  outputComponent?: number;
  /** The values of `uniforms` to run it with (every caller passes these). */
  readonly uniformData: { type: 'int32'; data: number[] }[];
  /** `bias`: adds bias [n] to every row after the sum (uniform cols = n, or n / 4 when vectorised). */
  constructor(m: number, n: number, private splits: number, private bias = false) {
    this.outputShape = [1, m, n];
    const vec = bias ? n % 4 === 0 : (m * n) % 4 === 0;
    this.uniformData = [{ type: 'int32', data: [splits] }, { type: 'int32', data: [bias && vec ? n / 4 : n] }];
    if (bias) this.variableNames = ['P', 'bias'];
    if (vec) { this.variableComponents = bias ? [4, 4] : [4]; this.outputComponent = 4; }
    this.dispatch = [Math.ceil((m * n) / (vec ? 4 : 1) / 256), 1, 1];
    this.shaderKey = `widMatMulSplitKSum_${vec}${bias ? '_bias' : ''}`;
  }
  getUserCode(): string {
    return `
      fn main(index : i32) {
        let n = uniforms.size; // elements of the output binding (vec4s when vectorised)
        if (index < n) {
          var s = P[index];
          for (var i = 1; i < uniforms.splits; i++) { s = s + P[i * n + index]; }
          result[index] = s${this.bias ? ' + bias[index % uniforms.cols]' : ''};
        }
      }`;
  }
}

type KernelArgs = Parameters<tf.KernelFunc>[0];
const prod = (xs: number[]) => xs.reduce((a, b) => a * b, 1);

/** Checks whether the kernel takes this problem; returns the reason it does not, or null. */
export function unsupportedReason(a: tf.TensorInfo, b: tf.TensorInfo): string | null {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return 'dtype';
  if (a.shape.length < 2 || b.shape.length < 2) return 'rank';
  const batchA = prod(a.shape.slice(0, -2)), batchB = prod(b.shape.slice(0, -2));
  const batch = Math.max(batchA, batchB);
  if ((batchA !== batch && batchA !== 1) || (batchB !== batch && batchB !== 1)) return 'batch broadcast other than 1 vs n';
  if (batchA !== batchB) {
    // only broadcasting where one side's outer dims are all 1 (then the flat index maps directly)
    const one = batchA === 1 ? a : b;
    if (one.shape.slice(0, -2).some((d) => d !== 1)) return 'batch broadcast';
  }
  return null;
}

/** Largest workgroup storage and invocation count the device allows (defaults of WebGPU if unknown). */
function deviceLimits(backend: WebGPUBackend): { storage: number; invocations: number } {
  const l = (backend as unknown as { device?: { limits?: { maxComputeWorkgroupStorageSize?: number; maxComputeInvocationsPerWorkgroup?: number } } }).device?.limits;
  return { storage: l?.maxComputeWorkgroupStorageSize ?? 16384, invocations: l?.maxComputeInvocationsPerWorkgroup ?? 256 };
}

const FALLBACK_VARIANT = '128x128x16-8x8'; // 16 KB, 256 threads: inside WebGPU's default limits

export function makeBatchMatMul(original: tf.KernelFunc): tf.KernelFunc {
  return makeMatMul(original, false);
}

/**
 * WidMatMulBias (matmul-bias.ts): a · b (+ transposes, as BatchMatMul) + bias [N] over every output row, the add done
 * where the result is stored (or in the split-K sum). Where the kernel does not take the problem: tfjs' BatchMatMul, then Add.
 */

function makeMatMul(original: tf.KernelFunc, withBias: boolean): tf.KernelFunc {
  const addKernel = tf.getKernel('Add', 'webgpu');
  if (!addKernel) throw new Error('webgpu Add kernel missing');
  const reshapeKernel = tf.getKernel('Reshape', 'webgpu');
  if (!reshapeKernel) throw new Error('webgpu Reshape kernel missing');
  const reshape = (x: tf.TensorInfo, shape: number[], backend: WebGPUBackend) =>
    reshapeKernel.kernelFunc({ inputs: { x }, backend: backend as unknown as tf.KernelBackend, attrs: { shape } }) as tf.TensorInfo;
  const parsed = new Map<string, MatMulTile>();

  const plain = (args: KernelArgs) => {
    if (!withBias) return original(args);
    const { a, b, bias } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo; bias: tf.TensorInfo };
    const product = original({ ...args, inputs: { a, b } }) as tf.TensorInfo;
    const sum = addKernel.kernelFunc({ inputs: { a: product, b: bias }, backend: args.backend, attrs: {} }) as tf.TensorInfo;
    (args.backend as unknown as WebGPUBackend).disposeData(product.dataId);
    return sum;
  };
  return (args: KernelArgs) => {
    const { a, b, bias } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo; bias?: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    if (unsupportedReason(a, b)) return plain(args);
    if (withBias && (!bias || bias.dtype !== 'float32' || bias.shape.length !== 1)) return plain(args);
    const ar = a.shape.length, br = b.shape.length;
    const m = transposeA ? a.shape[ar - 1] : a.shape[ar - 2];
    const k = transposeA ? a.shape[ar - 2] : a.shape[ar - 1];
    const kb = transposeB ? b.shape[br - 1] : b.shape[br - 2];
    const n = transposeB ? b.shape[br - 2] : b.shape[br - 1];
    if (k !== kb || m === 0 || n === 0 || k === 0) return plain(args); // tfjs' own error / empty handling
    if (withBias && bias!.shape[0] !== n) return plain(args);
    const batchA = prod(a.shape.slice(0, -2)), batchB = prod(b.shape.slice(0, -2));
    const batch = Math.max(batchA, batchB);
    const problem: Problem = { batch, m, n, k, transA: transposeA, transB: transposeB };
    const name = chooseMatMulVariant(problem);
    if (name === 'tfjs') return plain(args);
    const backend = args.backend as unknown as WebGPUBackend;
    let tile = parsed.get(name);
    if (!tile) { tile = parseVariant(name); parsed.set(name, tile); }
    const lim = deviceLimits(backend);
    if (sharedBytesOf(tile) > lim.storage || threadsOf(tile) > lim.invocations) tile = parseVariant(FALLBACK_VARIANT);

    let splits = 1, kPerSplit = k;
    if (tile.splitK > 1 && batch === 1) {
      kPerSplit = Math.ceil(Math.ceil(k / tile.splitK) / tile.bk) * tile.bk;
      splits = Math.ceil(k / kPerSplit);
      if (splits === 1) kPerSplit = k;
    }
    const outShape = [...tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2)), m, n];
    // flat views: the shader indexes A and B from the dims uniforms, and tfjs keys a pipeline by each input's rank,
    // broadcast dims and whether its shape equals the output's, which for a 3-D view made separate pipelines of one
    // shader (square weights, [tokens, H] -> [tokens, H] products)
    const a3 = reshape(a, [batchA * m * k], backend);
    const b3 = reshape(b, [batchB * k * n], backend);
    const program = new WidMatMulProgram({ ...problem, tile, broadcastA: batchA !== batch, broadcastB: batchB !== batch, splits, kPerSplit, bias: withBias });
    const dims = [m, n, k, kPerSplit].map((v) => ({ type: 'int32', data: [v] }));
    let out = backend.runWebGPUProgram(program, withBias && splits === 1 ? [a3, b3, bias!] : [a3, b3], 'float32', dims);
    if (splits > 1) {
      const partial = out;
      const sumProgram = new SplitKSumProgram(m, n, splits, withBias);
      out = backend.runWebGPUProgram(sumProgram, withBias ? [partial, bias!] : [partial], 'float32', sumProgram.uniformData);
      backend.disposeData(partial.dataId);
    }
    const result = reshape(out, outShape, backend);
    backend.disposeData(a3.dataId);
    backend.disposeData(b3.dataId);
    backend.disposeData(out.dataId);
    return result;
  };
}

let registered = false;
/** Replaces tfjs' webgpu BatchMatMul with makeBatchMatMul(tfjs' own) (which falls back to it). Idempotent. */
export function registerMatMulKernel(): void {
  if (registered) return;
  const original = tf.getKernel('BatchMatMul', 'webgpu');
  if (!original) throw new Error('webgpu kernel BatchMatMul is not registered; import @tensorflow/tfjs-backend-webgpu first');
  tf.unregisterKernel('BatchMatMul', 'webgpu');
  tf.registerKernel({ kernelName: 'BatchMatMul', backendName: 'webgpu', kernelFunc: makeBatchMatMul(original.kernelFunc), setupFunc: original.setupFunc, disposeFunc: original.disposeFunc });
  tf.registerKernel({ kernelName: MATMUL_BIAS, backendName: 'webgpu', kernelFunc: makeMatMul(original.kernelFunc, true) });
  registered = true;
}
