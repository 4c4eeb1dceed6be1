// Child process of finetune-f16-null.test.ts: a GLUE fine-tune as a job runs it in f16-tc (tensor-core matmuls,
// dynamic loss scaling) on Dawn's null backend (which validates like a device but computes nothing: the numbers are
// meaningless, the path is what is checked), with tensor cores declared as on an H100. Counts what makes a GPU
// fine-tune slow without timing it: steps that ran eagerly instead of replaying, reads back to the CPU (buffer maps),
// tensor-core pipelines compiled. Prints one JSON line.
import * as tf from '@tensorflow/tfjs';
process.env.WID_DAWN_OPTIONS = 'backend=null;enable-dawn-features=allow_unsafe_apis';
process.env.WID_TC_ASSUME = '16x16x16/32'; // the null adapter reports no subgroup-matrix configuration
const { selectBackend } = await import('../../src-main/engine/backend/index.js');
const { setMatmulPrecision } = await import('../../src-main/engine/kernels/matmul-precision.js');
const { tcDispatchCount, tcPipelineStats } = await import('../../src-main/engine/kernels/webgpu-matmul-subgroup.js');
const { loadHfModel } = await import('../../src-main/engine/checkpoint/index.js');
const { fineTune } = await import('../../src-main/engine/glue/finetune.js');
const { loadGlueSplit } = await import('../../src-main/engine/glue/tsv-loader.js');

await selectBackend('webgpu');
const device = (tf.backend() as unknown as { device: GPUDevice }).device;
device.onuncapturederror = () => {}; // the null device's default limits refuse tfjs' AddN of the clip norm (8 storage buffers): not this test's concern
let maps = 0;
const mapAsync = GPUBuffer.prototype.mapAsync;
GPUBuffer.prototype.mapAsync = function (...a: Parameters<GPUBuffer['mapAsync']>) { maps++; return mapAsync.apply(this, a); };
// What a read returns here is whatever bytes the null device's buffer copies last moved (pool reuse: an int32
// upload read as float can be NaN), so a loss could look diverged at random and end the run: reads come back as
// zeros (finite), since only the path is checked.
const getMappedRange = GPUBuffer.prototype.getMappedRange;
GPUBuffer.prototype.getMappedRange = function (...a: Parameters<GPUBuffer['getMappedRange']>) {
  const range = getMappedRange.apply(this, a);
  if (this.usage & GPUBufferUsage.MAP_READ) new Uint8Array(range).fill(0);
  return range;
};

const model = await loadHfModel('test/fixtures/bert/tiny-teacher');
// SST-2's short sentences: batches of 16, 32, 48 and 64 tokens
const train = loadGlueSplit('test/fixtures/glue', 'SST-2', 'train')[0].examples.slice(0, 200);
const dev = loadGlueSplit('test/fixtures/glue', 'SST-2', 'dev').map((d) => ({ ...d, examples: d.examples.slice(0, 24) }));
const out: Record<string, unknown> = {};
for (const precision of ['fp32', 'f16-tc'] as const) {
  setMatmulPrecision(precision);
  const maps0 = maps, tc0 = tcDispatchCount(), p0 = tcPipelineStats().pipelines;
  const r = await fineTune({
    model, tokenizer: model.tokenizer!, task: 'SST-2', trainRows: train, devSplits: dev, readEvery: 8, evalBatchSize: 16,
    hp: { lr: 1e-3, epochs: 3, batchSize: 8, maxLength: 128, warmupRatio: 0.1, weightDecay: 0.01, dropout: 0.1, seed: 3 },
    lossScaling: precision === 'f16-tc' ? 'dynamic' : 'off',
  });
  out[precision] = {
    steps: r.steps, shapes: r.shapes, capture: r.capture, lossScaling: r.lossScaling.mode, maps: maps - maps0,
    tcDispatches: tcDispatchCount() - tc0, tcPipelines: tcPipelineStats().pipelines - p0,
  };
}
setMatmulPrecision('fp32');
console.log(JSON.stringify(out));
process.exit(0);
