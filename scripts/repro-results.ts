// `node --import tsx scripts/repro-results.ts OUT [--store DIR]`: writes OUT/results.json again from the run
// store (e.g. a store brought back from another machine), without running anything.
import { join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { createService } from '../src-main/app/service/index.js';
import { buildReproResults } from '../src-main/app/repro/results.js';
import { distillStages } from '../src-main/app/repro/plan.js';
import { writeJsonAtomic } from '../src-main/app/repro/run-stages.js';
import type { ReproState } from '../src-main/app/repro/plan.js';
import type { ReproOptions } from '../src-main/app/repro/options.js';

const out = resolve(process.argv[2] ?? '.');
const store = process.argv[3] === '--store' ? resolve(process.argv[4]) : join(out, 'home');
const previous = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { command: string[]; wallSeconds: number; budget: { steps: number; batchSize: number; seqLen: number; seeds: number[]; wid10Seeds?: number[]; heldOutEvery?: number; heldOutLines?: number | null }; finetuneRecipe: { tasks: string[]; lrGrid: number[]; epochs: number; batchSize: number; maxLength: number; maxTrainRows: number | null }; inputs: { teacher: string; corpus: string; glue: string } };
const state = JSON.parse(readFileSync(join(out, 'state.json'), 'utf8')) as ReproState;
const arg = (flag: string) => { const i = previous.command.indexOf(flag); return i < 0 ? undefined : previous.command[i + 1]; };
const o = {
  ...previous.inputs, out, home: store, steps: previous.budget.steps, batchSize: previous.budget.batchSize, seqLen: previous.budget.seqLen,
  seeds: previous.budget.seeds, wid10Seeds: previous.budget.wid10Seeds, heldOutEvery: previous.budget.heldOutEvery ?? 0,
  ...(previous.budget.heldOutLines ? { heldOutLines: previous.budget.heldOutLines } : {}), variants: (arg('--variants') ?? '').split(',').filter(Boolean), tasks: previous.finetuneRecipe.tasks,
  lrGrid: previous.finetuneRecipe.lrGrid, epochs: previous.finetuneRecipe.epochs, finetuneBatch: previous.finetuneRecipe.batchSize,
  maxLength: previous.finetuneRecipe.maxLength, backend: arg('--backend') ?? 'auto', parallel: 1,
  ...(previous.finetuneRecipe.maxTrainRows ? { maxTrainRows: previous.finetuneRecipe.maxTrainRows } : {}),
} as ReproOptions;
const service = await createService({ home: store, mode: 'cli', startRunner: false });
try {
  const results = await buildReproResults(service, o, state, distillStages(o), { argv: previous.command, wallSeconds: previous.wallSeconds });
  writeJsonAtomic(join(out, 'results.json'), { ...results, machine: (previous as unknown as { machine: unknown }).machine });
  console.log(`wrote ${join(out, 'results.json')}`);
} finally { await service.close(); }
process.exit(0);
