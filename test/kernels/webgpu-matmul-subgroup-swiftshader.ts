// Child process of webgpu-matmul-subgroup.test.ts: selects webgpu on SwiftShader (which has subgroups but neither
// shader-f16 nor subgroup matrices) and checks the fallback: tensor cores unavailable with the reason,
// setMatmulPrecision('f16-tc') refused with a clear error, and a matmul through the registered BatchMatMul (the
// fp32 kernel) still right against float64, with no tensor-core dispatch; then gpu-tc-check's reference, sampling
// and bound run on the fp32 kernel's results (the check itself, for every transpose, broadcast, split-sized K and
// step shape: a wrong index in the reference would fail here, not on the GPU). Prints one JSON line.
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { matmulPrecision, setMatmulPrecision, tensorCoresAvailable } from '../../src-main/engine/kernels/matmul-precision.js';
import { tensorCoresUnavailableReason } from '../../src-main/engine/kernels/webgpu-tensor-cores.js';
import { tcDispatchCount } from '../../src-main/engine/kernels/webgpu-matmul-subgroup.js';
import { checkShape, oddShapes } from '../../bench/gpu-tc-check.js';
import { stepMatMuls } from '../../bench/gpu-matmul-probe.js';

const backend = await selectBackend('webgpu');
let refusal = '';
try { setMatmulPrecision('f16-tc'); } catch (e) { refusal = (e as Error).message; }
const [m, n, k] = [37, 45, 29];
const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i * 0.7));
const b = Float32Array.from({ length: k * n }, (_, i) => Math.cos(i * 0.3));
const got = await tf.matMul(tf.tensor2d(a, [m, k]), tf.tensor2d(b, [k, n])).data();
let maxDiff = 0;
for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
  let s = 0;
  for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
  maxDiff = Math.max(maxDiff, Math.abs(got[i * n + j] - s));
}
const harness: { label: string; pass: boolean; maxErr: number; bound: number; checked: string }[] = [];
for (const s of [...oddShapes(), ...stepMatMuls('4L-256H', 1, 8, 100)]) {
  const r = await checkShape(s, { reps: 1, inner: 1, time: false, quick: true, harness: true });
  harness.push({ label: s.label, pass: r.pass, maxErr: r.variants[0]?.maxErr ?? Infinity, bound: r.bound, checked: r.checked });
}
const device = (tf.backend() as unknown as { device: GPUDevice }).device;
console.log(JSON.stringify({
  device: backend.device, reason: tensorCoresUnavailableReason(), available: tensorCoresAvailable(), refusal, precision: matmulPrecision(),
  maxDiff, tcDispatches: tcDispatchCount(), features: [...device.features], harness,
}));
