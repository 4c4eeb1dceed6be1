// One run's job inside a worker process, whatever carries its messages: IPC to the app (job-worker.ts) or an
// events file on a cluster's shared folder (slurm-job.ts). Selects the backend, runs the job, and says how it ended.
import { explainBackendError, selectBackend, type BackendPreference } from '../engine/backend/index.js';
import { jobFor } from '../engine/jobs/registry.js';
import type { JobContext } from '../engine/jobs/types.js';
import type { FromWorker, ToWorker } from './protocol.js';

export type StartMessage = Extract<ToWorker, { type: 'start' }>;
type Post = (message: FromWorker) => void;

/** Runs the job and returns its terminal message (done, or stopped when `stopReason()` says it was asked to stop). */
export async function runJob(msg: StartMessage, post: Post, signal: AbortSignal, stopReason: () => 'cancelled' | 'paused' | null): Promise<FromWorker> {
  const job = jobFor(msg.method);
  // the service parsed this config once (fields and files) and stored the result: the job gets it as it is
  const config = msg.jobConfig;
  const pref = (config as { backend?: unknown }).backend;
  const backend = await selectBackend(typeof pref === 'string' ? (pref as BackendPreference) : undefined);
  post({ type: 'backend', name: backend.name, device: backend.device });
  const ctx: JobContext = {
    runId: msg.runId, workDir: msg.workDir, seed: msg.seed, backend, signal, resume: msg.resume,
    progress: (progress) => post({ type: 'progress', progress }),
    metric: (step, name, value) => post({ type: 'metric', step, name, value }),
    log: (level, message) => post({ type: 'log', level, message }),
    artifact: (kind, path) => post({ type: 'artifact', kind, path }),
    evaluation: (e) => post({ type: 'evaluation', ...e }),
    registerModel: (m) => post({ type: 'model', ...m }),
  };
  const result = await job.run(config, ctx);
  const reason = stopReason();
  return reason ? { type: 'stopped', reason, result } : { type: 'done', result };
}

/** A job's exception: the stack for the log (whoever debugs it), the message for the run's error. */
export function failureMessages(raw: unknown): FromWorker[] {
  const err = explainBackendError(raw);
  const out: FromWorker[] = [];
  if (err instanceof Error && err.stack) out.push({ type: 'log', level: 'error', message: err.stack });
  out.push({ type: 'failed', error: err instanceof Error ? err.message : String(err) });
  return out;
}
