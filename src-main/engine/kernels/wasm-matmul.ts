// BatchMatMul on the wasm backend with the transposes done first. tfjs-wasm's kernel is fast only for
// untransposed operands: on 2 cores, [256,1024]ᵀ·[256,1024] took 1,784 ms with transposeA and 26 ms as
// transpose + plain product; [1024,1024]·[256,1024]ᵀ 448 ms with transposeB and 18 ms plain. Every backward
// pass multiplies by transposes (tfjs' matMul gradients set the flags), as do attention (q·kᵀ) and WID's
// effective weights (R·W·Cᵀ), so the flags cost most of a CPU training step. Small products (attention's
// [b·h, s, d] blocks: under 2^20 multiply-adds per matrix) keep the flags: there the extra Transpose kernel
// costs as much as it saves. Same products, same values; the transposed copies live only inside the kernel.
// Env WID_WASM_MATMUL=tfjs keeps tfjs' kernel.
import * as tf from '@tensorflow/tfjs';

type Info = tf.TensorInfo;
interface DisposingBackend { disposeData(dataId: object, force?: boolean): boolean }

/** Below this many multiply-adds per matrix product the flags are as fast as transposing first. */
const MIN_WORK = 2 ** 20;

let installed = false;
/** 'tfjs' passes the flags to tfjs' kernel (the benchmark's side-by-side peer). */
let mode: 'transpose-first' | 'tfjs' = 'transpose-first';

/** Wraps the wasm BatchMatMul kernel (call after the wasm backend is set up); idempotent. */
export function registerWasmMatMul(env: NodeJS.ProcessEnv = process.env): boolean {
  if (installed || env.WID_WASM_MATMUL === 'tfjs') return false;
  const original = tf.getKernel('BatchMatMul', 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!original || !transpose) return false;
  installed = true;
  const swapLastTwo = (x: Info, backend: unknown): Info => {
    const perm = x.shape.map((_, i) => i);
    [perm[perm.length - 2], perm[perm.length - 1]] = [perm[perm.length - 1], perm[perm.length - 2]];
    return transpose.kernelFunc({ inputs: { x }, backend: backend as never, attrs: { perm } }) as Info;
  };
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({
    ...original,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
      const { a, b } = inputs as { a: Info; b: Info };
      if (mode === 'tfjs' || (!transposeA && !transposeB) || workPerMatrix(a, b, transposeA, transposeB) < MIN_WORK) {
        return original.kernelFunc({ inputs, backend, attrs });
      }
      const plainA = transposeA ? swapLastTwo(a, backend) : a;
      const plainB = transposeB ? swapLastTwo(b, backend) : b;
      try {
        return original.kernelFunc({ inputs: { a: plainA, b: plainB }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
      } finally {
        for (const t of [plainA, plainB]) if (t !== a && t !== b) (backend as unknown as DisposingBackend).disposeData(t.dataId);
      }
    },
  });
  return true;
}

/** rows · inner · columns of one product in the batch. */
function workPerMatrix(a: Info, b: Info, transposeA: boolean, transposeB: boolean): number {
  const [ra, ca] = a.shape.slice(-2), [rb, cb] = b.shape.slice(-2);
  return (transposeA ? ca * ra : ra * ca) * (transposeB ? rb : cb);
}

/** Whether the wasm BatchMatMul kernel is the wrapper (registerWasmMatMul ran). */
export function wasmMatMulInstalled(): boolean {
  return installed;
}

/** Switches between the wrapper's transposes and tfjs' flags, for timing both in one process (bench wasm-matmul). */
export function setWasmMatMulMode(next: 'transpose-first' | 'tfjs'): void {
  mode = next;
}
