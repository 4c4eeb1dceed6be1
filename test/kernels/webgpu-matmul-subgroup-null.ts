// Child process of webgpu-matmul-subgroup.test.ts: the tensor-core path's JavaScript end to end on Dawn's null
// backend (which validates shaders, pipelines, bind groups and command buffers like a real device but executes
// nothing, so the numbers are meaningless): the device given the features, tensor cores declared as on an H100
// (the null adapter reports no subgroup-matrix configuration), then every probe variant on the step's shapes
// (small batch) and odd shapes through tf.matMul, gradients through autodiff, gpu-tc-check's per-shape check, and
// a captured training step with f16-tc. Prints one JSON line: the validation errors Dawn raised (must be none),
// how many tensor-core dispatches ran, the capture's path.
import * as tf from '@tensorflow/tfjs';
process.env.WID_DAWN_OPTIONS = 'backend=null;enable-dawn-features=allow_unsafe_apis';
process.env.WID_TC_ASSUME = '16x16x16/32'; // the null adapter reports no subgroup-matrix configuration
const { selectBackend } = await import('../../src-main/engine/backend/index.js');
const { setTensorCoreStateForTests, tensorCoreState } = await import('../../src-main/engine/kernels/webgpu-tensor-cores.js');
const { setMatmulPrecision } = await import('../../src-main/engine/kernels/matmul-precision.js');
const { tcDispatchCount, withTensorCoreMatMul, TC_PROBE_VARIANTS } = await import('../../src-main/engine/kernels/webgpu-matmul-subgroup.js');
const { checkShape, oddShapes, main: tcCheckMain } = await import('../../bench/gpu-tc-check.js');
const { stepMatMuls } = await import('../../bench/gpu-matmul-probe.js');
const { benchConfig, makeTrainStep } = await import('../../bench/lib/train-step-model.js');

const backend = await selectBackend('webgpu');
const device = (tf.backend() as unknown as { device: GPUDevice }).device;
const errors: string[] = [];
device.onuncapturederror = (e) => { errors.push((e as GPUUncapturedErrorEvent).error.message.split('\n')[0]); };
const features = [...device.features].filter((f) => /f16|subgroup/.test(f)).sort();
const enabledBySelect = tensorCoreState()?.style ?? null; // enableTensorCores ran its compile check on this device
if (process.env.TC_STYLE === 'legacy') setTensorCoreStateForTests({ fragment: { m: 16, n: 16, k: 16 }, subgroupSize: 32, style: (process.env.TC_STYLE as 'majorness' | 'legacy') ?? 'majorness', configs: [] });

const shapes = [...oddShapes(), ...stepMatMuls('4L-256H', 2, 16, 1000)];
for (const s of shapes) {
  const a = tf.ones(s.transA ? [s.batch, s.k, s.m] : [s.batch, s.m, s.k]);
  const bb = (s as { broadcastB?: boolean }).broadcastB ? 1 : s.batch;
  const b = tf.ones(s.transB ? [bb, s.n, s.k] : [bb, s.k, s.n]);
  for (const v of [...TC_PROBE_VARIANTS, '64x64x32-2x2-s2', '64x64x32-2x2-db-s3', null]) {
    const y = withTensorCoreMatMul(v, () => tf.matMul(a, b, s.transA, s.transB));
    await y.data();
    y.dispose();
  }
  tf.dispose([a, b]);
}
// precision fp32 (the default) on a device with tensor cores: the fp32 kernel, not this one
const beforeFp32 = tcDispatchCount();
const plain = tf.matMul(tf.ones([24, 40]), tf.ones([40, 56]));
await plain.data();
plain.dispose();
const fp32Dispatches = tcDispatchCount() - beforeFp32;
setMatmulPrecision('f16-tc');
const before = tcDispatchCount();
const x = tf.variable(tf.ones([24, 40])), w = tf.variable(tf.ones([56, 40]));
const { grads } = tf.variableGrads(() => tf.sum(tf.matMul(x, w, false, true)));
await Promise.all(Object.values(grads).map((g) => g.data()));
const gradDispatches = tcDispatchCount() - before;
for (const s of oddShapes().slice(0, 2)) await checkShape(s, { reps: 1, inner: 1, time: true, quick: true });

const ts = makeTrainStep(benchConfig('tiny', 1000), 2, 16, { capture: 'auto' });
for (let i = 0; i < 5; i++) { const loss = ts.step(); await loss.data(); loss.dispose(); }
const capture = ts.capture?.status();
ts.dispose();
setMatmulPrecision('fp32');
const check = await tcCheckMain(['--sizes', '4L-256H', '--batch', '2', '--seq', '16', '--vocab', '1000', '--reps', '1', '--inner', '1', '--warm', '0', '--no-odd', '--apply']);
device.onuncapturederror = (e) => { errors.push((e as GPUUncapturedErrorEvent).error.message.split('\n')[0]); };
console.log(JSON.stringify({ device: backend.device, features, enabledBySelect, checkAvailable: check.available, checkShapes: check.shapes.length, errors: [...new Set(errors)], tcDispatches: tcDispatchCount(), gradDispatches, fp32Dispatches, capturePath: capture?.path ?? null, captureReason: capture?.reason ?? null }));
process.exit(0);
