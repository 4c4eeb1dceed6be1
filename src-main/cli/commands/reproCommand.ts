// `wid repro` (also `npm run repro`): the whole comparison on the user's own teacher, through the same
// service and runner as the app (src-main/app/repro). Exit codes: 0 completed, 1 a stage failed,
// 2 bad input (refused before anything starts), 3 stopped (time limit or Ctrl-C; run again to continue).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resolve, join } from 'node:path';
import type { Command } from 'commander';
import { createService } from '../../app/service/index.js';
import {
  checkReproInputs, DEFAULT_LR_SWEEP, DEFAULT_WID_FIRST_MASK_STEP, DEFAULT_SWEEP_BATCHES, DEFAULT_TASKS, parseDistillLr, parseExtraMethods, parseLrSweep, parseTaskCaps, parseTasks, parseVariants,
  ReproInputError, type ReproOptions,
} from '../../app/repro/options.js';
import { runReproduction, writeJsonAtomic } from '../../app/repro/run-stages.js';
import { mergeReproResults, parseExclusion, ReproMergeError, type ReproResultsFile } from '../../app/repro/merge.js';
import { constantBaselinesFromGlue } from '../../app/repro/scoring.js';
import { reproMarkdownTable } from '../../app/repro/markdown.js';
import type { GlueTaskName } from '../../engine/glue/tasks.js';
import { describeError, exitCodeFor } from '../cliError.js';
import { parseCount } from '../parseIds.js';
import { ensureReproTarget } from '../reproTarget.js';

const numbers = (flag: string) => (v: string) => v.split(',').map((x) => {
  const n = Number(x);
  if (!Number.isFinite(n)) throw new ReproInputError(`${flag}: "${x}" is not a number`);
  return n;
});

/** --wid-first-mask-step: "off" (null) or a step count within the run. */
function parseFirstMaskStep(v: string, steps: number): number | null {
  if (v === 'off') return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n >= steps) throw new ReproInputError(`--wid-first-mask-step: expected "off" or an integer step in 1..${steps - 1} (before --steps ${steps}), got "${v}"`);
  return n;
}

/** --eval-every: a non-negative integer; default 20 points over the run. */
function evalEvery(v: unknown, steps: number): number {
  if (v === undefined) return Math.max(1, Math.round(steps / 20));
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new ReproInputError(`--eval-every must be an integer >= 0 (0 = off), got ${String(v)}`);
  return v;
}

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
    .option('--seeds <list>', 'distillation seeds of the 50 % group (WID, DistilBERT, TinyBERT)', numbers('--seeds'), [1, 2, 3])
    .option('--wid10-seeds <list>', 'distillation seeds of WID-10 % (default: the first of --seeds)', numbers('--wid10-seeds'))
    .option('--eval-every <n>', "every student's held-out MLM loss every N distillation steps (default: steps/20; 0 = off)", (v) => Number(v))
    .option('--holdout-lines <n>', 'corpus lines held out for it (default: 3000, at most a tenth of the corpus)', (v) => parseCount(v, '--holdout-lines'))
    .option('--methods <list>', 'extra methods in every 50 % group at WID-50 %\'s shape: albert, mobilebert (wid, distilbert, tinybert always run)', '')
    .option('--kinds <list>', 'the rows this call runs, for a series over several calls: teacher (its fine-tune), wid50, distilbert50, tinybert50, wid10, and the rows --methods / --variants add (default: all)')
    .option('--variants <list>', 'extra rows, first seed: hard (WID-50 % hard-mask schedule), kd (logit KD), effective (effective-weight importance), tinybert-slice (TinyBERT initialised from a teacher slice)', '')
    .option('--distill-lr-sweep <list>', 'before the full runs, one short run per multiplier of each method\'s published lr (first seed), scored on the method\'s own held-out distillation loss; the lowest sets its lr; "off" = published lrs', DEFAULT_LR_SWEEP.join(','))
    .option('--distill-lr <list>', 'peak lrs per kind that are not swept, e.g. wid50=1e-4,distilbert50=1e-3 (a series\' later calls: the first call\'s choice, from its results.json distillLr)', '')
    .option('--sweep-steps <n>', 'steps of each lr-sweep run (default: a tenth of --steps)', (v) => parseCount(v, '--sweep-steps'))
    .option('--sweep-batches <n>', `held-out batches each lr-sweep run is scored on (default ${DEFAULT_SWEEP_BATCHES})`, (v) => parseCount(v, '--sweep-batches'))
    .option('--wid-first-mask-step <n>', `WID's first mask after N distillation steps, the later ones every scaled w_step after it (default ${DEFAULT_WID_FIRST_MASK_STEP}, the authors' w_step, where that leaves 90 % of the run after it); "off": after one scaled w_step`)
    .option('--lr-grid <list>', 'fine-tuning learning rates', numbers('--lr-grid'), [1e-4, 5e-5])
    .option('--epochs <n>', 'fine-tuning epochs', (v) => parseCount(v, '--epochs'), 3)
    .option('--finetune-batch <n>', 'fine-tuning batch size', (v) => parseCount(v, '--finetune-batch'), 32)
    .option('--max-length <n>', 'fine-tuning max tokens per example', (v) => parseCount(v, '--max-length'), 128)
    .option('--max-train-rows <n>', 'cap on training rows per task (all when absent)', (v) => parseCount(v, '--max-train-rows'))
    .option('--task-max-train-rows <list>', 'caps for single tasks, e.g. SST-2=20000', '')
    .option('--backend <name>', 'auto|tensorflow|webgpu|wasm|cpu', 'auto')
    .option('--parallel <n>', 'runs executed at once (one worker process each)', (v) => parseCount(v, '--parallel'), 1)
    .option('--only <stage>', '"sweep": run only the lr sweep now; "distill": the sweep and the distillations (the next run of the command fine-tunes)')
    .option('--target <name>', 'execution target of every run: a SLURM target registered with `wid targets add` (default: local, this machine)')
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
          extraMethods: parseExtraMethods(a.methods as string),
          lrGrid: a.lrGrid as number[], epochs: a.epochs as number, finetuneBatch: a.finetuneBatch as number, maxLength: a.maxLength as number,
          ...(a.maxTrainRows ? { maxTrainRows: a.maxTrainRows as number } : {}),
          taskMaxTrainRows: parseTaskCaps(a.taskMaxTrainRows as string),
          ...(a.wid10Seeds ? { wid10Seeds: a.wid10Seeds as number[] } : {}),
          ...(a.kinds !== undefined ? { kinds: (a.kinds as string).split(',').map((k) => k.trim()).filter(Boolean) } : {}),
          heldOutEvery: evalEvery(a.evalEvery, a.steps as number),
          ...(a.holdoutLines ? { heldOutLines: a.holdoutLines as number } : {}),
          backend: a.backend as string, parallel: a.parallel as number,
          ...(a.timeLimit ? { timeLimit: a.timeLimit as number } : {}),
          ...(a.target && a.target !== 'local' ? { target: a.target as string } : {}),
          ...(a.only !== undefined ? { only: a.only === 'distill' || a.only === 'sweep' ? a.only : (() => { throw new ReproInputError(`--only: expected "distill" or "sweep", got "${String(a.only)}"`); })() } : {}),
          distillLrSweep: parseLrSweep(a.distillLrSweep as string),
          ...(a.distillLr ? { distillLr: parseDistillLr(a.distillLr as string) } : {}),
          ...(a.sweepSteps ? { sweepSteps: a.sweepSteps as number } : {}),
          ...(a.widFirstMaskStep !== undefined ? { widFirstMaskStep: parseFirstMaskStep(a.widFirstMaskStep as string, a.steps as number) } : {}),
          ...(a.sweepBatches ? { sweepBatches: a.sweepBatches as number } : {}),
        };
        checkReproInputs(o);
        const service = await createService({ home: o.home, mode: 'cli', startRunner: true, ownRunsOnly: true, concurrency: o.parallel });
        if (o.target) await ensureReproTarget(service, o.target, program.opts<{ home?: string }>().home);
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

/**
 * `wid repro-merge --out DIR RESULTS.json...`: one results.json (and the plots) from several reproduction runs, e.g.
 * the calls of a GPU series. Exit 0 merged, 2 bad input (not a results file, a different budget or recipe).
 */
export function registerReproMergeCommand(program: Command, print: (s: string) => void): void {
  program.command('repro-merge')
    .description('merge several `wid repro` results.json files (one seed or stage per run) into one results.json and its plots')
    .argument('<results...>', 'results.json files of the runs (raw outputs of each call)')
    .requiredOption('--out <dir>', 'folder for the merged results.json and the PNG plots')
    .option('--glue <dir>', 'GLUE folder: constant baselines from its dev files (default: those the inputs recorded)')
    .option('--no-plots', 'write results.json only (the plots need Chromium)')
    .option('--markdown <file>', 'also write the table (per kind: parameters, distillation seconds, each task mean ± std over seeds, headline) as Markdown')
    .option('--exclude <file:keys>', 'leave rows of one input out, e.g. run/results.json:wid50-s1,tinybert50-s1 (rows a later fix showed wrong); repeatable',
      (v: string, prev: string[] = []) => [...prev, v])
    .action((files: string[], a: { out: string; glue?: string; plots: boolean; markdown?: string; exclude?: string[] }) => {
      let code = 0;
      try {
        const inputs = files.map((file) => {
          let results: ReproResultsFile;
          try { results = JSON.parse(readFileSync(file, 'utf8')) as ReproResultsFile; } catch (e) {
            throw new ReproMergeError(`${file}: cannot read a results.json (${(e as Error).message})`);
          }
          return { file, results };
        });
        const tasks = [...new Set(inputs.flatMap((i) => i.results.tasks ?? []))] as GlueTaskName[];
        const merged = mergeReproResults(inputs, a.glue ? constantBaselinesFromGlue(resolve(a.glue), tasks) : undefined, (a.exclude ?? []).map(parseExclusion));
        const out = resolve(a.out);
        mkdirSync(out, { recursive: true });
        const path = join(out, 'results.json');
        writeJsonAtomic(path, merged);
        print(`merged ${files.length} file(s), ${merged.models.length} models (${merged.merged.duplicates.length} duplicate rows dropped, ${merged.merged.excluded.length} excluded, ${merged.merged.missing.length} task scores missing): ${path}`);
        for (const s of merged.scoring.statements) print(`  ${s}`);
        if (a.markdown) {
          writeFileSync(resolve(a.markdown), reproMarkdownTable(merged));
          print(`table: ${resolve(a.markdown)}`);
        }
        if (a.plots) {
          const script = fileURLToPath(new URL('../../../scripts/repro-plots.ts', import.meta.url));
          const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), script, path, out], { stdio: 'inherit' });
          if (r.status !== 0) { process.stderr.write('wid repro-merge: the plots failed (results.json is written; --no-plots skips them)\n'); code = 1; }
        }
      } catch (err) {
        process.stderr.write(`wid repro-merge: ${describeError(err)}\n`);
        code = err instanceof ReproMergeError ? 2 : exitCodeFor(err);
      }
      process.exit(code);
    });
}
