// The batch script of one run's job: SLURM options from the target, then the worker with the job folder. A requeued
// job (node failure, preemption) runs the same script again; the worker sees SLURM_RESTART_COUNT and resumes.
import type { SlurmTargetSettings } from '../../shared/api/types.js';
import { shellQuote } from './command.js';

/** The #SBATCH options a target asks for (also what `sbatch --test-only` checks). */
export function jobOptions(s: SlurmTargetSettings): string[] {
  const out: string[] = [];
  if (s.partition) out.push(`--partition=${s.partition}`);
  if (s.account) out.push(`--account=${s.account}`);
  if (s.gpus > 0) out.push(`--gres=gpu:${s.gpus}`);
  out.push(`--cpus-per-task=${s.cpus}`, `--time=${s.timeLimit}`);
  return out;
}

export interface BatchScriptInput {
  settings: SlurmTargetSettings;
  runId: number;
  /** The job folder as the cluster sees it. */
  jobDir: string;
  /** The worker command as the cluster runs it (node, its flags, the entry file). */
  worker: string[];
}

export function batchScript(b: BatchScriptInput): string {
  const lines = [
    '#!/bin/bash',
    `#SBATCH --job-name=wid-run-${b.runId}`,
    ...jobOptions(b.settings).map((o) => `#SBATCH ${o}`),
    `#SBATCH --output=${b.jobDir}/slurm-%j.out`,
    '#SBATCH --open-mode=append',
    `#SBATCH ${b.settings.requeue ? '--requeue' : '--no-requeue'}`,
    '# Written by WID Workbench: runs the same job worker as a local run; its messages go to events-<attempt>.jsonl.',
    `cd ${shellQuote(b.jobDir)} || exit 1`,
    `exec ${b.worker.map(shellQuote).join(' ')} ${shellQuote(b.jobDir)}`,
    '',
  ];
  return lines.join('\n');
}
