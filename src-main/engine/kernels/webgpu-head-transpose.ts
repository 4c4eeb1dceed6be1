// The attention heads' split and merge as one copy kernel: a float32 rank-4 transpose with perm [0, 2, 1, 3],
// x [B, S, H, D] -> [B, H, S, D] (the merge [B, H, S, D] -> [B, S, H, D] is the same perm, and so is the gradient
// of either). Every output row (b, h, s) of D values is the input row (b, s, h), so a thread copies one vector of a
// row: vec4 when D % 4 = 0 (BERT-base's 64), vec2 when D % 2 = 0, else one float (e.g. D = 39). Consecutive threads
// write consecutive vectors (stores fully coalesced) and read along one input row (reads coalesced per row).
// tfjs-webgpu 4.22 runs this perm through its generic per-element kernel (a rank-4 coordinate decomposition and
// one scalar load/store per element): 100 such Transposes were 4.3 ms of the H100's base step (docs/performance.md).
// Shapes come from tfjs' program uniforms (xShape), so one pipeline per vector width serves every shape and a
// captured step (docs/capture.md) replays it as recorded. Overrides tfjs' Transpose for this case only
// (webgpu-kernels.ts); WID_FUSIONS=off or -head-transpose uses tfjs' kernel (read at each call).
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

export const HEAD_TRANSPOSE_WORKGROUP = 256;
/** Workgroups along x before the dispatch wraps into y (WebGPU's per-dimension limit is 65,535). */
const MAX_GROUPS_X = 65535;

/** The perm this kernel handles: [0, 2, 1, 3] on a rank-4 tensor. */
export const isHeadTransposePerm = (perm: readonly number[]): boolean =>
  perm.length === 4 && perm[0] === 0 && perm[1] === 2 && perm[2] === 1 && perm[3] === 3;

/** Floats one thread copies for a row length d: 4, 2 or 1. */
export const headTransposeComponents = (d: number): 1 | 2 | 4 => (d % 4 === 0 ? 4 : d % 2 === 0 ? 2 : 1);

/** Workgroup grid for `threads` threads of HEAD_TRANSPOSE_WORKGROUP: [x, y, 1], x ≤ maxGroupsX (threads past the end return). */
export function headTransposeDispatch(threads: number, maxGroupsX = MAX_GROUPS_X): [number, number, number] {
  const groups = Math.max(1, Math.ceil(threads / HEAD_TRANSPOSE_WORKGROUP));
  const y = Math.ceil(groups / maxGroupsX);
  return [Math.ceil(groups / y), y, 1];
}

/** x [B, S, H, D] -> [B, H, S, D]. */
export class HeadTransposeProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0, 1, 2, 3] };
  dispatch: [number, number, number];
  variableNames = ['x'];
  workgroupSize: [number, number, number] = [HEAD_TRANSPOSE_WORKGROUP, 1, 1];
  size = true; // uniforms.size: output elements / components, the number of vectors to copy
  outputComponent: number;
  variableComponents: number[];
  private readonly components: 1 | 2 | 4;

  /** `maxGroupsX`: lower only in tests, to exercise the dispatch's wrap into y on small tensors. */
  constructor(xShape: readonly number[], maxGroupsX = MAX_GROUPS_X) {
    const [b, s, h, d] = xShape;
    this.outputShape = [b, h, s, d];
    this.components = headTransposeComponents(d);
    this.outputComponent = this.components;
    this.variableComponents = [this.components];
    this.dispatch = headTransposeDispatch((b * s * h * d) / this.components, maxGroupsX);
    this.shaderKey = `widHeadTranspose_${this.components}`;
  }

  getUserCode(): string {
    const c = this.components;
    return `
      fn main(index : i32) {
        if (index >= uniforms.size) { return; }
        let S = uniforms.xShape[1];
        let H = uniforms.xShape[2];
        let rowVecs = uniforms.xShape[3] / ${c};
        let row = index / rowVecs;          // output row: (b * H + h) * S + s
        let col = index - row * rowVecs;
        let bh = row / S;
        let s = row - bh * S;
        let b = bh / H;
        let h = bh - b * H;
        result[index] = x[((b * S + s) * H + h) * rowVecs + col];
      }
    `;
  }
}
