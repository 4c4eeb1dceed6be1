// Backend failures that say nothing to a user, reworded with what happened and what to do. The wasm backend's
// heap is one 32-bit WebAssembly memory (at most 4 GiB, whatever the machine's RAM): when a job needs more,
// tfjs fails with "RuntimeError: memory access out of bounds" from inside a kernel, or XNNPACK cannot allocate
// (it prints "XNN status ... Got status 6", xnn_status_out_of_memory) and the module throws "Aborted()". Both
// seen with WID on a 4L-512H teacher (28.8M parameters): the heap reached 4,082 MiB before the first step.
import * as tf from '@tensorflow/tfjs';

const WASM_HEAP_EXHAUSTED = /memory access out of bounds|Cannot enlarge memory|Out of memory|^Aborted\(/i;

/** The error to report: `err` itself, or one that names the cause when the wasm heap ran out. */
export function explainBackendError(err: unknown, backendName: string | null = currentBackend()): unknown {
  if (backendName !== 'wasm' || !(err instanceof Error) || !WASM_HEAP_EXHAUSTED.test(err.message)) return err;
  const heap = wasmHeapBytes();
  const used = heap === null ? '' : ` (${Math.round(heap / 2 ** 20)} MiB in use when it failed)`;
  const explained = new Error(`the wasm backend ran out of memory: its heap is one WebAssembly memory of at most 4 GiB${used}, `
    + `whatever this machine's RAM. Run on the webgpu or tensorflow backend, or with a smaller model, batch or sequence length. `
    + `(${err.name}: ${err.message})`);
  explained.stack = `${explained.message}\n${err.stack ?? ''}`;
  return explained;
}

function currentBackend(): string | null {
  try { return tf.getBackend() ?? null; } catch { return null; }
}

function wasmHeapBytes(): number | null {
  try {
    const b = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
    return b.wasm?.HEAPU8?.length ?? null;
  } catch { return null; }
}
