// Entry point of a run's job on a SLURM cluster: the same job as job-worker.ts, but its messages go to an events
// file on the shared folder (one JSON line each) that the workbench tails into its history, and cancel/pause come
// as a `control` file the workbench writes there. Started by the batch script: `node slurm-job.cjs <jobDir>`.
// Bundled as dist/main/slurm-job.cjs, so nothing here may depend on tsx or on source-relative paths.
import { appendFileSync, closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { FromWorker } from './protocol.js';
import { failureMessages, runJob, type StartMessage } from './run-job.js';

/** What the workbench writes into the job folder before submitting (see app/slurm/job-files.ts). */
export interface SlurmJobSpec { start: StartMessage; eventsFile: string }

const CONTROL_POLL_MS = 500;

const jobDir = process.argv[2];
if (!jobDir) {
  process.stderr.write('usage: slurm-job <jobDir>\n');
  process.exit(2);
}
const spec = JSON.parse(readFileSync(join(jobDir, 'job.json'), 'utf8')) as SlurmJobSpec;
// SLURM requeued the job (node failure, preemption): continue from the last checkpoint on the shared folder.
const requeued = Number(process.env.SLURM_RESTART_COUNT ?? 0) > 0;
const start: StartMessage = { ...spec.start, resume: spec.start.resume || requeued };

/** A killed attempt may have left half a line: start ours on a fresh line, so the reader skips only that fragment. */
function endWithNewline(file: string): void {
  let fd: number;
  try { fd = openSync(file, 'r'); } catch { return; }
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    if (last[0] !== 0x0a) appendFileSync(file, '\n');
  } finally { closeSync(fd); }
}

function post(message: FromWorker): void {
  appendFileSync(spec.eventsFile, `${JSON.stringify(message)}\n`);
}

const controller = new AbortController();
let stopReason: 'cancelled' | 'paused' | null = null;
const controlFile = join(jobDir, 'control');
const controlPoll = setInterval(() => {
  let text = '';
  try { text = readFileSync(controlFile, 'utf8').trim(); } catch { return; }
  if ((text === 'cancel' || text === 'pause') && !stopReason) {
    stopReason = text === 'cancel' ? 'cancelled' : 'paused';
    controller.abort(stopReason);
  }
}, CONTROL_POLL_MS);

// scancel, the time limit, preemption and a node being drained send SIGTERM, then SIGKILL after the cluster's KillWait
// (30 s by default). Use that time as a pause does: the job writes its checkpoint on the shared folder and ends
// without a result, so the workbench marks the run interrupted and a resume continues from that checkpoint.
let terminating = false;
const TERM_GRACE_MS = 25_000;
process.on('SIGTERM', () => {
  if (terminating) return;
  terminating = true;
  post({ type: 'log', level: 'warn', message: `SLURM job ${process.env.SLURM_JOB_ID ?? '?'} received SIGTERM (scancel, time limit, preemption): writing a checkpoint before it ends` });
  stopReason ??= 'paused';
  controller.abort('paused');
  setTimeout(() => process.exit(143), TERM_GRACE_MS).unref();
});

endWithNewline(spec.eventsFile);
if (requeued) post({ type: 'log', level: 'info', message: `SLURM requeued job ${process.env.SLURM_JOB_ID ?? '?'} (restart ${process.env.SLURM_RESTART_COUNT}): resuming from the last checkpoint` });
post({ type: 'log', level: 'info', message: `job started on ${process.env.SLURMD_NODENAME ?? 'a node'} (SLURM job ${process.env.SLURM_JOB_ID ?? '?'})` });
runJob(start, post, controller.signal, () => stopReason).then(
  (terminal) => {
    clearInterval(controlPoll);
    if (terminating) { post({ type: 'log', level: 'info', message: 'checkpoint written after SIGTERM; resume the run to continue from it' }); process.exit(143); }
    post(terminal);
    process.exit(0);
  },
  (err: unknown) => { for (const m of failureMessages(err)) post(m); clearInterval(controlPoll); process.exit(1); },
);
