// `npm run bench -- efficiency --model DIR [--model DIR ...] [--backend wasm] [--batches 1,32] [--seq 128] [--iters 10]`:
// parameter count, weight-file size, batch-1 latency and batch-32 throughput of saved models on one
// backend, timed as a sequence classifier (encoder + pooler + head). Prints a table and one JSON line.
import { Command } from 'commander';
import { selectBackend, type BackendPreference } from '../src-main/engine/backend/index.js';
import { loadHfModel } from '../src-main/engine/checkpoint/index.js';
import { countParameters, disposeWeights } from '../src-main/engine/bert/index.js';
import { classifierWeights } from '../src-main/engine/glue/finetune.js';
import { measureEfficiency, type EfficiencyFigures } from '../src-main/engine/glue/efficiency.js';

const list = (v: string, prev: string[] = []) => [...prev, v];
const ints = (flag: string) => (v: string) => v.split(',').map((x) => {
  const n = Number(x);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${flag} must be positive integers separated by commas, got "${v}"`);
  return n;
});

export async function measureModelFolder(dir: string, opts: { batchSizes: number[]; seqLen: number; iters: number; warmup: number }): Promise<EfficiencyFigures> {
  const model = await loadHfModel(dir);
  const { config, initial } = classifierWeights(model, 'SST-2', 0);
  try {
    const seqLen = Math.min(opts.seqLen, model.config.maxPositionEmbeddings);
    const f = await measureEfficiency({ config, weights: initial }, { ...opts, seqLen, modelDir: dir });
    f.parameterCount = countParameters(model.weights);
    return f;
  } finally {
    for (const [name, t] of Object.entries(initial)) if (model.weights[name] !== t) t.dispose();
    disposeWeights(model.weights);
  }
}

export async function main(argv: string[]): Promise<void> {
  const cmd = new Command('bench efficiency')
    .requiredOption('--model <dir>', 'model folder (repeatable)', list)
    .option('--backend <name>', 'auto|tensorflow|webgpu|wasm|cpu', 'auto')
    .option('--batches <list>', 'batch sizes', ints('batches'), [1, 32])
    .option('--seq <n>', 'sequence length', (v) => ints('seq')(v)[0], 128)
    .option('--iters <n>', 'timed passes per batch size', (v) => ints('iters')(v)[0], 10)
    .option('--warmup <n>', 'untimed passes first', (v) => Number(v), 2)
    .exitOverride();
  cmd.parse(argv, { from: 'user' });
  const o = cmd.opts<{ model: string[]; backend: BackendPreference; batches: number[]; seq: number; iters: number; warmup: number }>();
  const backend = await selectBackend(o.backend);
  const rows: ({ model: string } & EfficiencyFigures)[] = [];
  for (const dir of o.model) rows.push({ model: dir, ...(await measureModelFolder(dir, { batchSizes: o.batches, seqLen: o.seq, iters: o.iters, warmup: o.warmup })) });
  console.log(`backend ${backend.name} (${backend.device}), seq ${o.seq}, ${o.iters} timed passes`);
  console.log('model | parameters | file bytes | ' + o.batches.map((b) => `b${b} median ms | b${b} seq/s`).join(' | '));
  for (const r of rows) {
    console.log([r.model, r.parameterCount, r.fileSize, ...r.timings.flatMap((t) => [t.medianMs.toFixed(2), t.sequencesPerSec.toFixed(1)])].join(' | '));
  }
  console.log(JSON.stringify({ bench: 'efficiency', backend: backend.name, device: backend.device, rows }));
}
