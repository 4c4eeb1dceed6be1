// What the workbench writes in a target's shared folder, and how its paths read on the cluster's side:
//   <shared>/wid-workbench/<instance>/run-<id>/   one folder per run: job.json (the worker's start message), job.sbatch,
//                                                 events-<attempt>.jsonl (the job's messages), control (cancel/pause),
//                                                 slurm-<jobid>.out (the job's log), work/ (checkpoints, student)
//   <shared>/wid-workbench/inputs/<hash>-<name>/   teachers, corpora and GLUE folders copied there once
//   <shared>/wid-workbench/bundle/<hash>/          the packed job worker (bundled app only)
// <instance> keeps two workbenches (two data folders) that share a cluster folder apart.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import type { SlurmTargetSettings } from '../../shared/api/types.js';

export const WID_FOLDER = 'wid-workbench';

/** This data folder's name in shared folders: made once, kept in <dataDir>/instance-id. */
export function instanceId(dataDir: string): string {
  const file = join(dataDir, 'instance-id');
  try {
    const id = readFileSync(file, 'utf8').trim();
    if (/^[0-9a-f]{12}$/.test(id)) return id;
  } catch { /* first use */ }
  const id = randomBytes(6).toString('hex');
  writeFileSync(file, `${id}\n`, { flag: 'w' });
  return id;
}

export interface RunJobFiles {
  jobDir: string;
  workDir: string;
  spec: string;
  script: string;
  control: string;
  events: (attempt: number) => string;
  /** SLURM's stdout/stderr file for a job id (sbatch --output with %j). */
  log: (jobId: string) => string;
}

export function runJobFiles(sharedDir: string, instance: string, runId: number): RunJobFiles {
  const jobDir = join(sharedDir, WID_FOLDER, instance, `run-${runId}`);
  return {
    jobDir,
    workDir: join(jobDir, 'work'),
    spec: join(jobDir, 'job.json'),
    script: join(jobDir, 'job.sbatch'),
    control: join(jobDir, 'control'),
    events: (attempt) => join(jobDir, `events-${attempt}.jsonl`),
    log: (jobId) => join(jobDir, `slurm-${jobId}.out`),
  };
}

const inside = (dir: string, path: string) => {
  const rel = relative(dir, path);
  return !rel.startsWith('..') && !isAbsolute(rel);
};

/** The shared folder seen from both sides: a path here <-> the same file on the cluster's nodes. */
export class SharedPaths {
  private readonly remote: string;
  constructor(private readonly settings: Pick<SlurmTargetSettings, 'sharedDir' | 'remoteDir'>) {
    this.remote = settings.remoteDir ?? settings.sharedDir;
  }

  isShared(localPath: string): boolean { return inside(this.settings.sharedDir, localPath); }

  toRemote(localPath: string): string {
    if (!this.isShared(localPath)) throw new Error(`${localPath} is not inside the shared folder ${this.settings.sharedDir}`);
    const rel = relative(this.settings.sharedDir, localPath);
    return rel === '' ? this.remote : `${this.remote.replace(/\/+$/, '')}/${rel.split(/[\\/]/).join('/')}`;
  }

  /** A path the job reported (cluster side) as this machine reads it; paths outside the shared folder stay as they are. */
  toLocal(remotePath: string): string {
    const rel = relative(this.remote, remotePath);
    if (rel.startsWith('..') || isAbsolute(rel)) return remotePath;
    return join(this.settings.sharedDir, rel);
  }
}
