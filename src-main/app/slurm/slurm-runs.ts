// The runner's RemoteRuns for SLURM targets (runner/remote-runs.ts): one SlurmJob per run.
import type { RunRecord } from '../../shared/api/types.js';
import type { RemoteRuns } from '../runner/remote-runs.js';
import type { Store } from '../store/index.js';
import { slurmCommand, slurmError } from './command.js';
import { SlurmJob, type SlurmJobOptions } from './slurm-job.js';

const envMs = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

export function slurmRuns(store: Store, dataDir: string): RemoteRuns {
  // WID_SLURM_POLL_MS / WID_SLURM_STATE_POLL_MS: tests follow jobs faster than a cluster's users need
  const opts: SlurmJobOptions = { store, dataDir, pollMs: envMs('WID_SLURM_POLL_MS', 1000), statePollMs: envMs('WID_SLURM_STATE_POLL_MS', 5000) };
  return {
    launch: (run: RunRecord) => SlurmJob.submit(run, opts),
    attach: (run: RunRecord) => {
      const job = store.remoteJobs.get(run.id);
      return job ? SlurmJob.attach(run, job, opts) : null;
    },
    cancelUnfollowed: async (run: RunRecord) => {
      const job = store.remoteJobs.get(run.id);
      if (!job) return null;
      const r = await slurmCommand(job.target, ['scancel', job.jobId]);
      return r.code === 0 ? null : `scancel ${job.jobId}: ${slurmError(r)}`;
    },
  };
}
