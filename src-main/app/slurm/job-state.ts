// Where a SLURM job stands, as `scontrol show job` says (it keeps finished jobs for MinJobAge, 5 min by default),
// else `sacct` where the cluster keeps accounting. And what each state means for the run.
import { slurmCommand, type Reach } from './command.js';

export interface JobState {
  /** SLURM's state word: PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, NODE_FAIL, TIMEOUT, ... */
  state: string;
  reason: string | null;
  /** exit code:signal, e.g. "1:0". */
  exitCode: string | null;
  nodes: string | null;
}

/** still in the scheduler's hands (a requeued job is PENDING again) */
const ACTIVE = new Set(['PENDING', 'CONFIGURING', 'RUNNING', 'COMPLETING', 'SUSPENDED', 'REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED', 'RESIZING', 'STAGE_OUT', 'SIGNALING', 'STOPPED', 'RESV_DEL_HOLD']);
/** the job's program itself went wrong: the run failed */
const FAILED = new Set(['FAILED', 'OUT_OF_MEMORY']);

export type JobOutcome = 'active' | 'completed' | 'failed' | 'interrupted';

/** CANCELLED (scancel from outside), NODE_FAIL, PREEMPTED, TIMEOUT, BOOT_FAIL, DEADLINE: not the job's fault, resumable. */
export function outcomeOf(state: string): JobOutcome {
  if (ACTIVE.has(state)) return 'active';
  if (state === 'COMPLETED') return 'completed';
  if (FAILED.has(state)) return 'failed';
  return 'interrupted';
}

const field = (line: string, name: string): string | null => {
  const m = new RegExp(`(?:^|\\s)${name}=(\\S*)`).exec(line);
  return m && m[1] !== '(null)' && m[1] !== 'None' && m[1] !== '' ? m[1]! : null;
};

/** null: SLURM no longer knows the job (purged, or never existed); throws when SLURM cannot be asked at all. */
export async function queryJob(reach: Reach, jobId: string): Promise<JobState | null> {
  const shown = await slurmCommand(reach, ['scontrol', 'show', 'job', '-o', jobId], { timeoutMs: 20_000 });
  if (shown.code === 0) {
    const line = shown.stdout.trim();
    const state = field(line, 'JobState');
    if (state) return { state, reason: field(line, 'Reason'), exitCode: field(line, 'ExitCode'), nodes: field(line, 'NodeList') };
  } else if (!/invalid job id/i.test(shown.stderr)) {
    throw new Error(`scontrol show job ${jobId}: ${shown.stderr.trim() || `exit code ${shown.code}`}`);
  }
  const acct = await slurmCommand(reach, ['sacct', '-n', '-P', '-X', '-j', jobId, '-o', 'State,ExitCode,Reason,NodeList'], { timeoutMs: 20_000 });
  const row = acct.code === 0 ? acct.stdout.trim().split('\n')[0] : undefined;
  if (!row) return null;
  const [state, exitCode, reason, nodes] = row.split('|');
  const word = (state ?? '').split(/\s/)[0]!;
  return word ? { state: word, reason: reason && reason !== 'None' ? reason : null, exitCode: exitCode || null, nodes: nodes || null } : null;
}
