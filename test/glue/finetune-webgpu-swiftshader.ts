// Child process of finetune-webgpu.test.ts: fine-tunes and evaluates the tiny teacher on an RTE slice on the
// webgpu backend (SwiftShader: software Vulkan, set up by the parent), then measures its efficiency figures,
// then repeats the fine-tune on wasm with the same seed (dropout off) to compare. webgpu in Node has no
// synchronous reads: any dataSync/arraySync on these paths throws here. Prints one JSON line.
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { loadHfModel } from '../../src-main/engine/checkpoint/index.js';
import { fineTune, classifierWeights } from '../../src-main/engine/glue/finetune.js';
import { loadGlueSplit } from '../../src-main/engine/glue/tsv-loader.js';
import { maskedLmLoss } from '../../src-main/engine/bert/index.js';
import { createWidMethod } from '../../src-main/engine/methods/wid/index.js';
import { measureEfficiency } from '../../src-main/engine/glue/efficiency.js';
import { dropoutMask, dropoutMaskJs, seedKey } from '../../src-main/engine/kernels/dropout-mask.js';

const TEACHER = 'test/fixtures/bert/tiny-teacher';
const backend = await selectBackend('webgpu');
const model = await loadHfModel(TEACHER);
const train = loadGlueSplit('test/fixtures/glue', 'RTE', 'train')[0].examples.slice(0, 24);
const dev = loadGlueSplit('test/fixtures/glue', 'RTE', 'dev').map((d) => ({ ...d, examples: d.examples.slice(0, 16) }));
const hp = { lr: 1e-3, epochs: 2, batchSize: 8, maxLength: 48, warmupRatio: 0.1, weightDecay: 0.01, dropout: 0, seed: 3 };

async function run(model: Awaited<ReturnType<typeof loadHfModel>>, dropout = 0) {
  const losses: number[] = [];
  const r = await fineTune({ model, tokenizer: model.tokenizer!, task: 'RTE', trainRows: train, devSplits: dev, hp: { ...hp, dropout }, readEvery: 4,
    evalBatchSize: 16, onProgress: (p) => losses.push(p.loss) });
  return { losses, scores: r.epochs.map((e) => e.score), shapes: r.shapes, steps: r.steps };
}

// a checkpoint that stores its tied decoder (most HF BERT files do): WID's tied-decoder check runs on webgpu
const emb = model.weights['bert.embeddings.word_embeddings.weight'];
const decoder = tf.tensor(await emb.data(), emb.shape, 'float32');
const wid = createWidMethod({ config: model.config, weights: { ...model.weights, 'cls.predictions.decoder.weight': decoder } }, { preset: 'wid55', variablePrefix: 'tied/' });
wid.dispose();
decoder.dispose();
const tiedDecoderChecked = true;
const t0 = Date.now();
const leakBefore = tf.memory().numTensors;
const gpu = await run(model);
const leaked = tf.memory().numTensors - leakBefore;
const gpuDropout = await run(model, 0.1);
// the dropout mask kernel draws exactly what the JavaScript hash draws
const shape = [3, 5, 70001];
const gpuMask = await dropoutMask(shape, 0.1, 12345).data();
const jsMask = dropoutMaskJs(3 * 5 * 70001, 0.1, seedKey(12345));
let maskMismatches = 0;
for (let i = 0; i < jsMask.length; i++) if (gpuMask[i] !== jsMask[i]) maskMismatches++;
const keptFraction = jsMask.filter((v) => v > 0).length / jsMask.length;
// MLM loss with tokens × vocab past 2^24 (where a flat gather index is rounded through f32 on webgpu)
const mlmLogits = tf.randomNormal([1, 600, 30000], 0, 3, 'float32', 4);
const mlmLabels = tf.tensor2d([Array.from({ length: 600 }, (_, i) => (i % 7 === 0 ? -100 : (i * 7919) % 30000))], [1, 600], 'int32');
const mlmGpu = (await maskedLmLoss(mlmLogits as tf.Tensor3D, mlmLabels).data())[0];
const lgData = await mlmLogits.data(), lbData = await mlmLabels.data();
let mlmRef = 0, mlmCount = 0;
for (let i = 0; i < 600; i++) {
  if (lbData[i] === -100) continue;
  let mx = -Infinity; for (let j = 0; j < 30000; j++) mx = Math.max(mx, lgData[i * 30000 + j]);
  let se = 0; for (let j = 0; j < 30000; j++) se += Math.exp(lgData[i * 30000 + j] - mx);
  mlmRef += -(lgData[i * 30000 + lbData[i]] - mx - Math.log(se)); mlmCount++;
}
mlmRef /= mlmCount;
tf.dispose([mlmLogits, mlmLabels]);
const t1 = Date.now();
const { config, initial } = classifierWeights(model, 'RTE', 1);
const eff = await measureEfficiency({ config, weights: initial }, { batchSizes: [1, 4], seqLen: 32, iters: 1, warmup: 1 });
const t2 = Date.now();
// tensors do not move between backends without a synchronous read: the wasm run loads its own copy
await selectBackend('wasm');
const wasmModel = await loadHfModel(TEACHER);
const cpu = await run(wasmModel);
const cpuDropout = await run(wasmModel, 0.1);
console.error(`webgpu fine-tune ${(t1 - t0) / 1000} s, efficiency ${(t2 - t1) / 1000} s, wasm ${(Date.now() - t2) / 1000} s`);
console.log(JSON.stringify({ tiedDecoderChecked, device: backend.device, backend: backend.name, mlmGpu, mlmRef, gpu, cpu, gpuDropout, cpuDropout, maskMismatches, keptFraction, leaked, latency: eff.latencyMsBatch1, efficiencyBackend: eff.backend }));
