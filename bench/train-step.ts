// `npm run bench -- train-step [options]`: one BERT masked-LM training step (forward, MLM loss,
// backward, AdamW update; the step of bench/lib/train-step-model.ts) of a given size on the chosen backend.
// Options as `bench forward` (bench/forward.ts). Prints ms/step, tokens/s and peak tensor bytes.
import { selectBackend } from '../src-main/engine/backend/index.js';
import { makeTrainStep } from './lib/train-step-model.js';
import { BenchOptions, BenchResult, parseBenchArgs, report, resultOf, timeSteps } from './forward.js';

export async function runTrainStep(o: BenchOptions): Promise<BenchResult> {
  const backend = await selectBackend(o.backend);
  const step = makeTrainStep(o.config, o.batch, o.seq, { seed: 1 });
  const t = await timeSteps(o, () => step.step());
  step.dispose();
  return resultOf('train-step', o, backend, step.params, t);
}

export async function main(argv: string[]): Promise<BenchResult> {
  const r = await runTrainStep(parseBenchArgs('train-step', argv));
  report(r);
  return r;
}
