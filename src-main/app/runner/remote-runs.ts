// What the runner needs from a place runs execute besides this machine (a SLURM cluster, app/slurm): start a run's
// job there, follow one an earlier start submitted, and cancel one that nobody follows. The runner stays unaware of
// how: each job looks like a worker process (worker-launcher.ts).
import type { RunRecord } from '../../shared/api/types.js';
import type { WorkerProcess } from './worker-launcher.js';

export interface RemoteRuns {
  launch(run: RunRecord): WorkerProcess;
  /** The job of a run left running by an earlier start; null when none was submitted. */
  attach(run: RunRecord): WorkerProcess | null;
  /** Cancels the job of a run no process follows (scancel); resolves with a problem to report, or null. */
  cancelUnfollowed(run: RunRecord): Promise<string | null>;
}
