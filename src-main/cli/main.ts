// `wid`: the command line over the same service as the UI (run store, runner, job worker).
// Started by bin/wid.mjs (node --import tsx). Exit codes: 0 ok, 1 failed, 2 bad input (see cliError.ts).
import { Command } from 'commander';
import { createService } from '../app/service/index.js';
import type { Service } from '../app/service/contract.js';
import { parsePort } from '../app/web/serve-args.js';
import { announce, closeOnSignals, startWebMode } from '../app/web/webMode.js';
import { CliError, describeError, exitCodeFor } from './cliError.js';
import { datasetsListCommand, datasetsRegisterCommand, infoCommand, modelsListCommand, modelsRegisterCommand } from './commands/catalogCommands.js';
import { compareCommand } from './commands/compareCommand.js';
import { exportCommand } from './commands/exportCommand.js';
import { groupsListCommand, groupsShowCommand } from './commands/groupsCommands.js';
import { listCommand } from './commands/listCommand.js';
import { cancelCommand, resumeCommand, runCommand } from './commands/runCommands.js';
import { showCommand } from './commands/showCommand.js';
import { targetsAddCommand, targetsCheckCommand, targetsListCommand, targetsRemoveCommand } from './commands/targetsCommands.js';
import { registerReproCommand, registerReproMergeCommand } from './commands/reproCommand.js';
import { parseCount, parseId } from './parseIds.js';

const print = (line: string) => process.stdout.write(`${line}\n`);

const program = new Command('wid')
  .description('WID Workbench: compress BERT with Weight-Inherited Distillation and compare against DistilBERT/TinyBERT')
  .option('--home <dir>', 'data folder (default: WID_HOME, else $XDG_DATA_HOME/wid-workbench)')
  .showHelpAfterError()
  .exitOverride((err) => { process.exit(err.exitCode === 0 ? 0 : 2); });

/** Opens the service, runs one command, closes it and exits with the command's code. */
async function withService(startRunner: boolean, body: (service: Service) => Promise<number>, concurrency?: number): Promise<never> {
  const home = program.opts<{ home?: string }>().home;
  let service: Service | null = null;
  let code: number;
  try {
    service = await createService({ ...(home ? { home } : {}), mode: 'cli', startRunner, ownRunsOnly: true, ...(concurrency ? { concurrency } : {}) });
    code = await body(service);
  } catch (err) {
    process.stderr.write(`wid: ${describeError(err)}\n`);
    code = exitCodeFor(err);
  }
  try { await service?.close(); } catch (err) { process.stderr.write(`wid: closing the service failed: ${describeError(err)}\n`); }
  // Explicit exit: tfjs backends and timers must not keep a finished command alive.
  process.exit(code);
}

program.command('list')
  .description('list runs (newest first)')
  .option('--search <text>', 'match name, notes or tags')
  .option('--status <list>', 'comma-separated statuses, e.g. running,completed')
  .option('--method <list>', 'comma-separated methods, e.g. wid,distilbert')
  .option('--all', 'include archived runs')
  .option('--json', 'print JSON')
  .action((opts) => withService(false, (s) => listCommand(s, opts, print)));

program.command('show')
  .description('show a run: config, status, backend, progress, result, metrics summary, artifacts')
  .argument('<id>', 'run id')
  .option('--json', 'print JSON')
  .action((id: string, opts) => withService(false, (s) => showCommand(s, parseId(id, 'run id'), opts, print)));

program.command('run')
  .description('create a run (or, with "method": "compare", a compare group of runs) from a JSON config and follow it until it stops (exit 0 completed, 1 otherwise, 2 bad config)')
  .requiredOption('--config <file>', 'JSON file: { "method": "selftest", "name": "...", ...run config }; "method": "compare" (+ optional "methods": ["wid", "distilbert", "tinybert"]) runs the config once per method as a group (methods: wid, distilbert, tinybert, albert, mobilebert)')
  .option('--method <method>', 'override the file\'s "method"')
  .option('--detach', 'only queue the run (a running `wid serve` or app picks it up)')
  .option('--parallel <n>', 'how many queued runs this process executes at once (default 1: a group\'s runs one after another)', (v) => parseCount(v, '--parallel'))
  .action((opts: { config: string; method?: string; detach?: boolean; parallel?: number }) =>
    withService(!opts.detach, (s) => runCommand(s, opts.config, opts, print), opts.parallel));

program.command('resume')
  .description('resume a paused, cancelled, failed or interrupted run and follow it')
  .argument('<id>', 'run id')
  .option('--detach', 'only queue it')
  .action((id: string, opts: { detach?: boolean }) => withService(!opts.detach, (s) => resumeCommand(s, parseId(id, 'run id'), opts, print)));

program.command('cancel')
  .description('cancel a queued or running run')
  .argument('<id>', 'run id')
  .action((id: string) => withService(false, (s) => cancelCommand(s, parseId(id, 'run id'), print)));

program.command('compare')
  .description('GLUE comparison of models (task scores, GLUE average, % of teacher)')
  .option('--models <ids>', 'model ids, comma-separated (default: all registered models)')
  .option('--group <id>', 'the students of a compare group (and, unless --teacher, its teacher)')
  .option('--teacher <id>', 'model id of the teacher (for % of teacher)')
  .option('--tasks <list>', 'GLUE tasks, comma-separated (default: all with scores)')
  .option('--format <format>', 'table, csv or markdown', 'table')
  .action((opts) => withService(false, (s) => compareCommand(s, opts, print)));

program.command('export')
  .description('write a run\'s student as a Hugging Face folder (config.json, model.safetensors, vocab.txt)')
  .argument('<id>', 'run id')
  .requiredOption('--out <dir>', 'output folder')
  .action((id: string, opts: { out: string }) => withService(false, (s) => exportCommand(s, parseId(id, 'run id'), opts.out, print)));

const groups = program.command('groups').description('compare groups: one config run by WID, DistilBERT and TinyBERT');
groups.command('list', { isDefault: true })
  .description('list compare groups with their runs\' status')
  .option('--json', 'print JSON')
  .action((opts) => withService(false, (s) => groupsListCommand(s, opts, print)));
groups.command('show')
  .description('the runs of a group side by side: method, status, student size, parameters, loss, steps, wall time, backend')
  .argument('<id>', 'group id')
  .option('--json', 'print JSON')
  .action((id: string, opts) => withService(false, (s) => groupsShowCommand(s, parseId(id, 'group id'), opts, print)));

const models = program.command('models').description('teacher and student models (Hugging Face BERT folders)');
models.command('list', { isDefault: true })
  .description('list registered models')
  .option('--kind <kind>', 'teacher or student')
  .option('--json', 'print JSON')
  .action((opts) => withService(false, (s) => modelsListCommand(s, opts, print)));
models.command('register')
  .description('register a folder with config.json + model.safetensors (+ vocab.txt)')
  .argument('<path>', 'model folder')
  .option('--name <name>', 'display name (default: folder name)')
  .option('--kind <kind>', 'teacher (default) or student')
  .action((path: string, opts) => withService(false, (s) => modelsRegisterCommand(s, path, opts, print)));

const datasets = program.command('datasets').description('distillation corpora and GLUE folders');
datasets.command('list', { isDefault: true })
  .description('list registered datasets')
  .option('--json', 'print JSON')
  .action((opts) => withService(false, (s) => datasetsListCommand(s, opts, print)));
datasets.command('register')
  .description('register a corpus (text file or folder of .txt) or a GLUE folder (<root>/<TASK>/*.tsv)')
  .argument('<path>', 'file or folder')
  .requiredOption('--kind <kind>', 'corpus or glue')
  .option('--name <name>', 'display name')
  .action((path: string, opts) => withService(false, (s) => datasetsRegisterCommand(s, path, opts, print)));

const targets = program.command('targets').description('execution targets: SLURM clusters that runs can be sent to ("target": "NAME" in wid run --config)');
targets.command('list', { isDefault: true })
  .description('list execution targets (local is this machine)')
  .option('--json', 'print JSON')
  .action((opts) => withService(false, (s) => targetsListCommand(s, opts, print)));
targets.command('add')
  .description('register a SLURM cluster, after checking it (sbatch answers, the scheduler accepts its jobs, the shared folder is seen on both sides)')
  .argument('<name>', 'target name')
  .requiredOption('--shared <dir>', 'shared working folder, as this machine sees it (both sides read and write it)')
  .option('--host <ssh-destination>', 'login host to run sbatch/squeue/scancel on over ssh, as your SSH config names it (default: this machine)')
  .option('--remote-dir <dir>', 'the shared folder as the cluster sees it, when it is mounted at another path there')
  .option('--partition <name>', 'SLURM partition (default: the cluster\'s default)')
  .option('--account <name>', 'SLURM account (default: yours)')
  .option('--gpus <n>', 'GPUs per job, --gres=gpu:N (default 1; 0: none)', (v) => parseCount(v, '--gpus', 0))
  .option('--cpus <n>', 'CPUs per job (default 4)', (v) => parseCount(v, '--cpus'))
  .option('--time <limit>', 'time limit per job, e.g. 04:00:00 or 1-00:00:00 (default 04:00:00)')
  .option('--node <command>', 'Node.js >= 20.19 on the cluster\'s nodes (default: node)')
  .option('--no-requeue', 'do not let SLURM requeue a job after a node failure or preemption')
  .action((name: string, opts) => withService(false, (s) => targetsAddCommand(s, name, opts, print)));
targets.command('check')
  .description('check a registered target again (nothing is submitted)')
  .argument('<name>', 'target name')
  .action((name: string) => withService(false, (s) => targetsCheckCommand(s, name, print)));
targets.command('remove')
  .description('forget a target (refused while runs on it are queued or running)')
  .argument('<name>', 'target name')
  .action((name: string) => withService(false, (s) => targetsRemoveCommand(s, name, print)));

program.command('info')
  .description('version, data folder and the compute backends usable here')
  .option('--json', 'print JSON')
  .action((opts) => withService(false, (s) => infoCommand(s, opts, print)));

registerReproCommand(program, print);
registerReproMergeCommand(program, print);

program.command('serve')
  .description('serve the UI and API on 127.0.0.1 (web mode) and run queued jobs')
  .option('--port <n>', 'port (0 = any free port)', parsePort, 0)
  .option('--parallel <n>', 'runs executed at once (default: WID_PARALLEL, else 1: one after another)', (v) => parseCount(v, '--parallel'))
  .action(async (opts: { port: number; parallel?: number }) => {
    const home = program.opts<{ home?: string }>().home;
    try {
      const mode = await startWebMode({ ...(home ? { home } : {}), port: opts.port, parallel: opts.parallel });
      closeOnSignals(mode);
      announce(mode);
    } catch (err) {
      process.stderr.write(`wid serve: ${describeError(err)}\n`);
      process.exit(exitCodeFor(err));
    }
  });

try {
  await program.parseAsync();
} catch (err) {
  process.stderr.write(`wid: ${describeError(err)}\n`);
  process.exit(err instanceof CliError ? err.exitCode : 1);
}
