// `wid repro` (also `npm run repro`): the whole comparison on the user's own teacher, through the same
// service and runner as the app (src-main/app/repro). Exit codes: 0 completed, 1 a stage failed,
// 2 bad input (refused before anything starts), 3 stopped (time limit or Ctrl-C; run again to continue).
import { resolve, join } from 'node:path';
import type { Command } from 'commander';
import { createService } from '../../app/service/index.js';
import { checkReproInputs, DEFAULT_TASKS, parseTasks, parseVariants, ReproInputError, type ReproOptions } from '../../app/repro/options.js';
import { runReproduction } from '../../app/repro/run-stages.js';
import { describeError, exitCodeFor } from '../cliError.js';
import { parseCount } from '../parseIds.js';

const numbers = (flag: string) => (v: string) => v.split(',').map((x) => {
  const n = Number(x);
  if (!Number.isFinite(n)) throw new ReproInputError(`${flag}: "${x}" is not a number`);
  return n;
});

export function registerReproCommand(program: Command, print: (s: string) => void): void {
  program.command('repro')
    .description('reproduce WID vs DistilBERT vs TinyBERT on a teacher: distill, fine-tune every model on GLUE, write results.json')
    .requiredOption('--teacher <dir>', 'teacher folder (config.json, model.safetensors, vocab.txt)')
    .requiredOption('--corpus <file>', 'distillation corpus (text file or folder of .txt)')
    .requiredOption('--glue <dir>', 'GLUE folder (<dir>/<TASK>/train.tsv, dev.tsv)')
    .requiredOption('--out <dir>', 'output folder: results.json, state.json, home/ (the run store) unless --store is given')
    .option('--store <dir>', 'data folder of the run store (default <out>/home); the app opened on it shows every run')
    .option('--steps <n>', 'distillation steps per student', (v) => parseCount(v, '--steps'), 2000)
    .option('--batch <n>', 'distillation batch size', (v) => parseCount(v, '--batch'), 32)
    .option('--seq <n>', 'distillation sequence length', (v) => parseCount(v, '--seq'), 128)
    .option('--tasks <list>', 'GLUE tasks', DEFAULT_TASKS.join(','))
    .option('--seeds <list>', 'seeds of the 50 % group (WID, DistilBERT, TinyBERT)', numbers('--seeds'), [1])
    .option('--variants <list>', 'extra WID-50 % rows: hard (hard-mask schedule), kd (logit KD), effective (effective-weight importance)', '')
    .option('--lr-grid <list>', 'fine-tuning learning rates', numbers('--lr-grid'), [1e-4, 5e-5, 3e-5, 2e-5])
    .option('--epochs <n>', 'fine-tuning epochs', (v) => parseCount(v, '--epochs'), 3)
    .option('--finetune-batch <n>', 'fine-tuning batch size', (v) => parseCount(v, '--finetune-batch'), 32)
    .option('--max-length <n>', 'fine-tuning max tokens per example', (v) => parseCount(v, '--max-length'), 128)
    .option('--max-train-rows <n>', 'cap on training rows per task (all when absent)', (v) => parseCount(v, '--max-train-rows'))
    .option('--backend <name>', 'auto|tensorflow|webgpu|wasm|cpu', 'auto')
    .option('--parallel <n>', 'runs executed at once (one worker process each)', (v) => parseCount(v, '--parallel'), 1)
    .option('--only <stage>', '"distill": run only the distillation stages now (the next run of the command fine-tunes)')
    .option('--time-limit <s>', 'stop after this many seconds (distillation paused at a checkpoint); rerun to continue', (v) => parseCount(v, '--time-limit'))
    .action(async (a: Record<string, unknown>) => {
      let code: number;
      try {
        const out = resolve(a.out as string);
        const o: ReproOptions = {
          teacher: resolve(a.teacher as string), corpus: resolve(a.corpus as string), glue: resolve(a.glue as string), out,
          home: a.store ? resolve(a.store as string) : join(out, 'home'),
          steps: a.steps as number, batchSize: a.batch as number, seqLen: a.seq as number,
          tasks: parseTasks(a.tasks as string), seeds: a.seeds as number[], variants: parseVariants(a.variants as string),
          lrGrid: a.lrGrid as number[], epochs: a.epochs as number, finetuneBatch: a.finetuneBatch as number, maxLength: a.maxLength as number,
          ...(a.maxTrainRows ? { maxTrainRows: a.maxTrainRows as number } : {}),
          backend: a.backend as string, parallel: a.parallel as number,
          ...(a.timeLimit ? { timeLimit: a.timeLimit as number } : {}),
          ...(a.only !== undefined ? { only: a.only === 'distill' ? 'distill' as const : (() => { throw new ReproInputError(`--only: expected "distill", got "${String(a.only)}"`); })() } : {}),
        };
        checkReproInputs(o);
        const service = await createService({ home: o.home, mode: 'cli', startRunner: true, ownRunsOnly: true, concurrency: o.parallel });
        const stop = new AbortController();
        process.on('SIGINT', () => stop.abort());
        try {
          const outcome = await runReproduction(service, o, print, process.argv.slice(2), stop.signal);
          print(`reproduction ${outcome.status}: ${outcome.results}${outcome.failed.length ? ` (failed: ${outcome.failed.join(', ')})` : ''}`);
          code = outcome.status === 'completed' ? 0 : outcome.status === 'stopped' ? 3 : 1;
        } finally {
          await service.close();
        }
      } catch (err) {
        process.stderr.write(`wid repro: ${describeError(err)}\n`);
        code = err instanceof ReproInputError ? 2 : exitCodeFor(err);
      }
      process.exit(code);
    });
}
