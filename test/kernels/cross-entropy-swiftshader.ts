// Child process of cross-entropy.test.ts: the masked-LM loss and its gradient with the fused webgpu kernels
// (SwiftShader) against the same function on the pure-JS cpu backend. Prints one JSON line.
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { maskedLmLoss } from '../../src-main/engine/bert/mlm-loss.js';
import { fusedCrossEntropyAvailable } from '../../src-main/engine/kernels/cross-entropy.js';

async function lossAndGrad(logits: Float32Array, labels: Int32Array, shape: [number, number, number]) {
  const x = tf.variable(tf.tensor3d(logits, shape), true, `logits-${tf.getBackend()}`);
  const y = tf.tensor2d(labels, [shape[0], shape[1]], 'int32');
  const { value, grads } = tf.variableGrads(() => maskedLmLoss(x as unknown as tf.Tensor3D, y), [x]);
  const g = Object.values(grads)[0];
  const out = { loss: (await value.data())[0], grad: Array.from(await g.data()) };
  tf.dispose([x, y, value, g]);
  return out;
}

const shape: [number, number, number] = [3, 7, 1000];
const n = shape[0] * shape[1];
let s = 12345;
const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
const logits = Float32Array.from({ length: n * shape[2] }, () => (rnd() - 0.5) * 20);
const labels = Int32Array.from({ length: n }, (_, i) => (i % 4 === 1 ? -100 : Math.floor(rnd() * shape[2])));

const backend = await selectBackend('webgpu');
const fused = fusedCrossEntropyAvailable();
const gpu = await lossAndGrad(logits, labels, shape);
await selectBackend('cpu');
const cpu = await lossAndGrad(logits, labels, shape);
let gradDiff = 0, gradMax = 0;
gpu.grad.forEach((v, i) => { gradDiff = Math.max(gradDiff, Math.abs(v - cpu.grad[i])); gradMax = Math.max(gradMax, Math.abs(cpu.grad[i])); });
console.log(JSON.stringify({ device: backend.device, fused, lossGpu: gpu.loss, lossCpu: cpu.loss, gradRel: gradDiff / gradMax,
  ignoredRowsZero: gpu.grad.slice(shape[2], 2 * shape[2]).every((v) => v === 0) }));
