// Contract between the job runner (app) and job kinds (engine). A job is (config, JobContext) => result;
// it runs inside the worker process, so it talks to the store only through the context.
import type { RunMethod, RunProgress } from '../../shared/api/types.js';

export { ConfigError } from '../config/config-error.js';

export interface JobContext {
  runId: number;
  /** Run folder for checkpoints and artifacts: <WID_HOME>/runs/<id>/. */
  workDir: string;
  seed: number;
  backend: { name: string; device: string };
  /** Aborted on cancel: stop at the next step. */
  signal: AbortSignal;
  /** True when resuming an interrupted/cancelled/failed run: look for checkpoints in workDir. */
  resume: boolean;
  /** Each value is also stored as a metric series point. */
  progress(p: RunProgress): void;
  metric(step: number, name: string, value: number): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /** The store computes size and sha256. */
  artifact(kind: string, path: string): void;
  evaluation(e: { task: string; metric: string; value: number; modelPath?: string }): void;
  registerModel(m: { name: string; kind: 'teacher' | 'student'; path: string }): void;
}

export interface JobDefinition<C> {
  method: RunMethod;
  /** Throws ConfigError naming the field and what was expected. */
  parseConfig(raw: unknown): C;
  /** The returned record is stored as the run's result. */
  run(config: C, ctx: JobContext): Promise<Record<string, unknown>>;
}
