// The named benchmarks behind `npm run bench -- NAME` (bench/index.ts) and the GPU entry
// (bench/gpu-entry.ts). Each module's main(argv) prints its figures and returns them as a JSON-able
// record; markdown(record), where present, is its table for summary.md.
import { writeJsonAtomic } from './output.js';

export interface BenchModule {
  main(argv: string[]): Promise<unknown>;
  markdown?(record: never): string;
}

export interface BenchEntry {
  summary: string;
  /** rough seconds on the H200 with the arguments gpu-entry's default plan gives it (deadline planning) */
  estimateS: number;
  load(): Promise<BenchModule>;
}

export const BENCHMARKS: Record<string, BenchEntry> = {
  forward: { summary: 'BERT forward pass (encoder + MLM head), ms/step, tokens/s, peak tensor bytes', estimateS: 20, load: () => import('../forward.js') },
  'train-step': { summary: 'one MLM training step (forward, loss, backward, AdamW), each step synced', estimateS: 30, load: () => import('../train-step.js') },
  'gpu-compare': { summary: 'engine training step vs transformers (fp32/TF32/bf16) and the hand-written PyTorch script, ratio + peak memory', estimateS: 75, load: () => import('../gpu-compare.js') },
  'gpu-memory': { summary: 'GPU memory of the bench training step by category at the pool\'s peak (weights, moments, saved activations, gradients, logits, idle pool buffers, templates); --variants for A/B', estimateS: 40, load: () => import('../gpu-memory.js') },
  'numeric-check': { summary: 'tiny BERT loss, every gradient and params after two AdamW steps vs the cpu backend', estimateS: 10, load: () => import('../numeric-check.js') },
  parity: { summary: 'the transformers fixtures of test/fixtures/bert on this backend, worst max abs diff', estimateS: 15, load: () => import('../parity.js') },
  'gpu-probe': { summary: 'op timings of BERT-base shapes; --profile SIZES: per-kernel GPU time of one step', estimateS: 30, load: () => import('../gpu-probe.js') },
  'gpu-matmul-probe': { summary: 'every matmul shape of the step: tfjs vs each tile variant, fastest per shape (--apply: use it)', estimateS: 150, load: () => import('../gpu-matmul-probe.js') },
  'gpu-tc-check': { summary: 'f16 tensor-core matmul at every step shape: error vs float64 (bound, NaN-filled outputs), TFLOP/s vs fp32, fastest variant (--apply: use it)', estimateS: 180, load: () => import('../gpu-tc-check.js') },
  'gpu-compile-probe': { summary: 'pipeline compiles one after another vs all at once (createComputePipelineAsync): does Dawn compile in parallel?', estimateS: 15, load: () => import('../gpu-compile-probe.js') },
  'gpu-dispatch-probe': { summary: 'CPU cost of one small op and of the raw Dawn calls behind it', estimateS: 10, load: () => import('../gpu-dispatch-probe.js') },
  wid: { summary: 'WID distillation steps at full width and pruned, steps/s, peak tensor bytes', estimateS: 25, load: () => import('../wid.js') },
  'wid-counts': { summary: 'kernels and dispatches of one plain and one WID step (full, pruned), the WID cuts off and on', estimateS: 20, load: () => import('../wid-counts.js') },
  distill: { summary: 'a distillation job loop (wid|distilbert|tinybert) as the job runs it, steps/s', estimateS: 45, load: () => import('../distill.js') },
  efficiency: { summary: 'params, file size, batch-1 latency and batch-32 throughput of saved models', estimateS: 30, load: () => import('../efficiency.js') },
  glue: { summary: 'fine-tune models on GLUE tasks in-process: per task steps, s, steps/s, shapes, score; --peer: transformers side by side', estimateS: 300, load: () => import('../glue.js') },
  'wasm-matmul': { summary: 'wasm BatchMatMul with transposes first vs tfjs\' flags, same process: BERT train step and WID step ms, ratio', estimateS: 120, load: () => import('../wasm-matmul.js') },
  criterion: { summary: 'WID importance criteria on a real teacher: one WID run per criterion, held-out MLM loss of each student vs the teacher', estimateS: 300, load: () => import('../criterion.js') },
  'wid-mask-overlap': { summary: 'WID: masks the authors\' criterion picks at given steps vs at the authors\' 500 (share of masked dims in common, vs chance)', estimateS: 300, load: () => import('../wid-mask-overlap.js') },
  'albert-svd': { summary: 'ALBERT embedding init: truncated SVD of a 768-wide table, Jacobi vs power iteration, seconds and error', estimateS: 120, load: () => import('../albert-svd.js') },
  'teacher-parity': { summary: 'hidden states and MLM logits of a checkpoint on this backend, for bench/pytorch/teacher_parity.py', estimateS: 15, load: () => import('../teacher-parity.js') },
};

export function benchEntry(name: string): BenchEntry {
  const e = BENCHMARKS[name];
  if (!e) throw new Error(`unknown benchmark "${name}"; known: ${Object.keys(BENCHMARKS).join(', ')}`);
  return e;
}

/**
 * Removes `--json FILE` from argv (handled by the caller for every benchmark alike). A bare `--json`
 * (last, or followed by another option) stays: `distill --json` means "print one JSON line".
 */
/** Runs a benchmark's main with `argv`; with `--json FILE` in it, writes the record main returns there. */
export async function runBenchMain(main: (argv: string[]) => Promise<unknown>, args: string[]): Promise<void> {
  const { argv, json } = takeJsonFlag(args);
  const record = await main(argv);
  if (json && record !== undefined) { writeJsonAtomic(json, record); console.log(`wrote ${json}`); }
}

export function takeJsonFlag(argv: string[]): { argv: string[]; json?: string } {
  const i = argv.indexOf('--json');
  const json = argv[i + 1];
  if (i < 0 || json === undefined || json.startsWith('--')) return { argv };
  return { argv: [...argv.slice(0, i), ...argv.slice(i + 2)], json };
}
