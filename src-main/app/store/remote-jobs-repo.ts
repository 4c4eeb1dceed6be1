// The SLURM job behind a remote run: one row per run (its latest submission). It holds everything following the
// job needs, the target's settings as submitted included, so a restarted workbench (or a removed target) can still
// follow it; events_offset is how far the job's events file has been recorded, so nothing is recorded twice.
import type { SlurmTargetSettings } from '../../shared/api/types.js';
import type { Db } from './database.js';
import { fromJson, now, toJson } from './json-column.js';

export interface RemoteJob {
  runId: number;
  jobId: string;
  /** 1 for the first submission, +1 for each resume. */
  attempt: number;
  targetName: string;
  target: SlurmTargetSettings;
  jobDir: string;
  eventsFile: string;
  eventsOffset: number;
  state: string | null;
  reason: string | null;
  submittedAt: string;
}

interface Row {
  run_id: number; job_id: string; attempt: number; target: string; job_dir: string; events_file: string;
  events_offset: number; state: string | null; reason: string | null; submitted_at: string;
}

const toRecord = (r: Row): RemoteJob => {
  const t = fromJson<{ name: string; settings: SlurmTargetSettings }>(r.target, { name: '', settings: {} as SlurmTargetSettings });
  return {
    runId: r.run_id, jobId: r.job_id, attempt: r.attempt, targetName: t.name, target: t.settings, jobDir: r.job_dir,
    eventsFile: r.events_file, eventsOffset: r.events_offset, state: r.state, reason: r.reason, submittedAt: r.submitted_at,
  };
};

export class RemoteJobsRepo {
  constructor(private readonly db: Db) {}

  get(runId: number): RemoteJob | undefined {
    const r = this.db.prepare('SELECT * FROM remote_jobs WHERE run_id = ?').get(runId) as Row | undefined;
    return r && toRecord(r);
  }

  /** A new submission replaces the previous one's row (its events were recorded already). */
  put(j: Omit<RemoteJob, 'eventsOffset' | 'state' | 'reason' | 'submittedAt'>): RemoteJob {
    this.db.prepare(`INSERT OR REPLACE INTO remote_jobs (run_id, job_id, attempt, target, job_dir, events_file, events_offset, state, reason, submitted_at)
      VALUES (?, ?, ?, ?, ?, ?, 0, 'PENDING', NULL, ?)`).run(
      j.runId, j.jobId, j.attempt, toJson({ name: j.targetName, settings: j.target }), j.jobDir, j.eventsFile, now());
    return this.get(j.runId)!;
  }

  setOffset(runId: number, offset: number): void {
    this.db.prepare('UPDATE remote_jobs SET events_offset = ? WHERE run_id = ? AND events_offset < ?').run(offset, runId, offset);
  }

  setState(runId: number, state: string, reason: string | null): void {
    this.db.prepare('UPDATE remote_jobs SET state = ?, reason = ? WHERE run_id = ?').run(state, reason, runId);
  }

  /** How many submissions the run had (0: none), for the next attempt's number. */
  attempts(runId: number): number {
    return (this.db.prepare('SELECT attempt FROM remote_jobs WHERE run_id = ?').get(runId) as { attempt: number } | undefined)?.attempt ?? 0;
  }
}
