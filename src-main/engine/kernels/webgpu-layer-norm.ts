// webgpu kernels behind layer-norm.ts: row statistics and dx with one workgroup per row (shared-
// memory reductions), normalise / x̂ as element-wise dispatches.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { LN_APPLY, LN_DX, LN_PARAM_GRADS, LN_STATS, LN_XHAT } from './layer-norm.js';
import { layerNormParamGrads } from './webgpu-layer-norm-param-grads.js';

const WG = 128;

/** Sum-reduce each of `arrays` across the workgroup; every thread may read index 0 after. */
const reduceSnippet = (...arrays: string[]) => `
  workgroupBarrier();
  for (var k = ${WG / 2}; k > 0; k = k / 2) {
    if (tid < k) {
      ${arrays.map((a) => `${a}[tid] = ${a}[tid] + ${a}[tid + k];`).join('\n      ')}
    }
    workgroupBarrier();
  }`;

/**
 * One workgroup per row. With `keep` (WID's [H] 0/1 vector, a bound input): the statistics over the kept dims,
 * K summed from keep in the kernel (its values change in place between replays of a captured step).
 */
class RowProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  variableNames: string[];
  workgroupSize: [number, number, number] = [WG, 1, 1];
  uniforms?: string;
  constructor(private kind: 'stats' | 'dx', rows: number, width: number, private keep = false) {
    this.shaderKey = `widLayerNorm_${kind}${keep ? '_keep' : ''}`;
    this.outputShape = kind === 'stats' ? [rows, 2] : [rows, width];
    this.variableNames = [...(kind === 'stats' ? ['x'] : ['x', 'stats', 'gamma', 'dy']), ...(keep ? ['keep'] : [])];
    if (kind === 'stats') this.uniforms = 'eps : f32,';
    this.dispatch = [rows, 1, 1];
  }
  getUserCode(): string {
    const head = `
      var<workgroup> red : array<f32, ${WG}>;
      var<workgroup> red2 : array<f32, ${WG}>;
      ${this.keep && this.kind === 'dx' ? `var<workgroup> red3 : array<f32, ${WG}>;` : ''}
      fn main(index : i32) {
        let R = uniforms.xShape[0];
        let H = uniforms.xShape[1];
        let row = i32(workgroupId.y * numWorkgroups.x + workgroupId.x);
        let tid = i32(localId.x);
        let live = row < R;`;
    const keep = this.keep;
    if (this.kind === 'stats') {
      // K = H without keep; with it, Σ keep, summed beside Σ keep·x
      return `${head}
        var s = 0.0;
        ${keep ? 'var n = 0.0;' : ''}
        if (live) { for (var c = tid; c < H; c = c + ${WG}) { ${keep ? 'let k = keep[c]; n = n + k; s = s + k * x[row * H + c];' : 's = s + x[row * H + c];'} } }
        red[tid] = s;
        ${keep ? 'red2[tid] = n;' : ''}
        ${keep ? reduceSnippet('red', 'red2') : reduceSnippet('red')}
        let K = ${keep ? 'red2[0]' : 'f32(H)'};
        let mean = red[0] / K;
        workgroupBarrier();
        var v = 0.0;
        if (live) { for (var c = tid; c < H; c = c + ${WG}) { let d = x[row * H + c] - mean; v = v + ${keep ? 'keep[c] * d * d' : 'd * d'}; } }
        red[tid] = v;
        ${reduceSnippet('red')}
        if (live && tid == 0) {
          result[row * 2] = mean;
          result[row * 2 + 1] = inverseSqrt(red[0] / K + uniforms.eps);
        }
      }`;
    }
    // dx = rstd·(g − k·(m1 + x̂·m2)), m1 = Σ g / K, m2 = Σ g·x̂ / K over every dim (k ≡ 1 and K = H without keep)
    return `${head}
        var mean = 0.0;
        var rstd = 0.0;
        if (live) { mean = stats[row * 2]; rstd = stats[row * 2 + 1]; }
        var s1 = 0.0;
        var s2 = 0.0;
        ${keep ? 'var n = 0.0;' : ''}
        if (live) {
          for (var c = tid; c < H; c = c + ${WG}) {
            let g = dy[row * H + c] * gamma[c];
            s1 = s1 + g;
            s2 = s2 + g * (x[row * H + c] - mean) * rstd;
            ${keep ? 'n = n + keep[c];' : ''}
          }
        }
        red[tid] = s1;
        red2[tid] = s2;
        ${keep ? 'red3[tid] = n;' : ''}
        ${keep ? reduceSnippet('red', 'red2', 'red3') : reduceSnippet('red', 'red2')}
        let K = ${keep ? 'red3[0]' : 'f32(H)'};
        let m1 = red[0] / K;
        let m2 = red2[0] / K;
        if (live) {
          for (var c = tid; c < H; c = c + ${WG}) {
            let xh = (x[row * H + c] - mean) * rstd;
            let g = dy[row * H + c] * gamma[c];
            result[row * H + c] = ${keep ? 'rstd * (g - keep[c] * (m1 + xh * m2))' : 'rstd * ((g - m1) - xh * m2)'};
          }
        }
      }`;
  }
}

class ElementwiseProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames: string[];
  workgroupSize: [number, number, number] = [256, 1, 1];
  size = true;
  constructor(private affine: boolean, rows: number, width: number) {
    this.shaderKey = `widLayerNorm_${affine ? 'apply' : 'xhat'}`;
    this.outputShape = [rows, width];
    this.dispatchLayout = { x: [0, 1] };
    this.variableNames = affine ? ['x', 'stats', 'gamma', 'beta'] : ['x', 'stats'];
    this.dispatch = [Math.ceil((rows * width) / 256), 1, 1];
  }
  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let H = uniforms.xShape[1];
          let row = index / H;
          let xh = (x[index] - stats[row * 2]) * stats[row * 2 + 1];
          ${this.affine ? 'let c = index - row * H; result[index] = xh * gamma[c] + beta[c];' : 'result[index] = xh;'}
        }
      }`;
  }
}

type Args = Parameters<tf.KernelFunc>[0];
const info = (args: Args) => ({ inputs: args.inputs as Record<string, tf.TensorInfo>, backend: args.backend as unknown as WebGPUBackend });

function checkRank2(name: string, t: tf.TensorInfo): void {
  if (t.shape.length !== 2 || t.dtype !== 'float32') throw new Error(`${name}: x must be float32 [rows, width], got ${t.dtype} [${t.shape}]`);
}

/** The optional keep vector of the stats and dx kernels, checked: float32 [width]. */
function keepInput(name: string, inputs: Record<string, tf.TensorInfo>, width: number): tf.TensorInfo | undefined {
  const keep = inputs.keep;
  if (keep && (keep.dtype !== 'float32' || keep.shape.length !== 1 || keep.shape[0] !== width)) {
    throw new Error(`${name}: keep must be float32 [${width}], got ${keep.dtype} [${keep.shape}]`);
  }
  return keep;
}

let registered = false;
export function registerLayerNormKernels(): void {
  if (registered) return;
  registered = true;
  const reg = (kernelName: string, kernelFunc: (a: Args) => tf.TensorInfo) =>
    tf.registerKernel({ kernelName, backendName: 'webgpu', kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  reg(LN_STATS, (a) => {
    const { inputs, backend } = info(a);
    checkRank2(LN_STATS, inputs.x);
    const [rows, width] = inputs.x.shape;
    const keep = keepInput(LN_STATS, inputs, width);
    return backend.runWebGPUProgram(new RowProgram('stats', rows, width, !!keep), keep ? [inputs.x, keep] : [inputs.x], 'float32',
      [{ type: 'float32', data: [(a.attrs as { eps: number }).eps] }]);
  });
  reg(LN_DX, (a) => {
    const { inputs, backend } = info(a);
    checkRank2(LN_DX, inputs.x);
    const [rows, width] = inputs.x.shape;
    const keep = keepInput(LN_DX, inputs, width);
    const ins = [inputs.x, inputs.stats, inputs.gamma, inputs.dy];
    return backend.runWebGPUProgram(new RowProgram('dx', rows, width, !!keep), keep ? [...ins, keep] : ins, 'float32');
  });
  reg(LN_APPLY, (a) => {
    const { inputs, backend } = info(a);
    checkRank2(LN_APPLY, inputs.x);
    const [rows, width] = inputs.x.shape;
    return backend.runWebGPUProgram(new ElementwiseProgram(true, rows, width), [inputs.x, inputs.stats, inputs.gamma, inputs.beta], 'float32');
  });
  reg(LN_XHAT, (a) => {
    const { inputs, backend } = info(a);
    checkRank2(LN_XHAT, inputs.x);
    const [rows, width] = inputs.x.shape;
    return backend.runWebGPUProgram(new ElementwiseProgram(false, rows, width), [inputs.x, inputs.stats], 'float32');
  });
  tf.registerKernel({ kernelName: LN_PARAM_GRADS, backendName: 'webgpu', kernelFunc: ((a: Args) => {
    const { inputs, backend } = info(a);
    checkRank2(LN_PARAM_GRADS, inputs.x);
    return layerNormParamGrads(backend, inputs.x, inputs.stats, inputs.dy);
  }) as unknown as tf.KernelFunc });
}
