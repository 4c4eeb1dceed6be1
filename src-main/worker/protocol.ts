// Messages between the runner (app process) and the job worker (one process per run).
import type { RunMethod, RunProgress } from '../shared/api/types.js';

export type ToWorker =
  | { type: 'start'; runId: number; method: RunMethod; config: Record<string, unknown>; /** The job's parsed config, handed to the job as it is. */ jobConfig: unknown; workDir: string; seed: number; resume: boolean }
  /** Stop at the next step; the run ends `cancelled`. */
  | { type: 'cancel' }
  /** Stop at the next step after checkpointing where the job can; the run ends `paused`. */
  | { type: 'pause' }
  /** A one-off computation outside any run (smoke test, attention maps): answered by taskResult or failed. */
  | { type: 'task'; task: WorkerTask };

export type WorkerTask =
  | { name: 'smokeTest'; modelPath: string; text: string }
  | { name: 'attention'; teacherPath: string; studentPath: string; text: string; layer: number; head: number }
  | { name: 'datasetStats'; kind: 'corpus' | 'glue'; path: string };

export type FromWorker =
  | { type: 'backend'; name: string; device: string }
  | { type: 'progress'; progress: RunProgress }
  | { type: 'metric'; step: number; name: string; value: number }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'artifact'; kind: string; path: string }
  | { type: 'evaluation'; task: string; metric: string; value: number; modelPath?: string }
  | { type: 'model'; name: string; kind: 'teacher' | 'student'; path: string }
  | { type: 'done'; result: Record<string, unknown> }
  /** The job returned after cancel or pause. */
  | { type: 'stopped'; reason: 'cancelled' | 'paused'; result: Record<string, unknown> }
  | { type: 'failed'; error: string }
  | { type: 'taskResult'; value: unknown };

export function isFromWorker(m: unknown): m is FromWorker {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string';
}
