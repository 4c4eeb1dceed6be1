// Contract between the job runner (app) and job kinds (engine). A job is (config, JobContext) => result;
// it runs inside the worker process, so it talks to the store only through the context.
import type { RunMethod, RunProgress } from '../../shared/api/types.js';
import type { ConfigFiles } from '../config/config-files.js';
import type { MemoryNeed } from './memory.js';

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
  /**
   * The service's check of a run config before anything is written: the fields (schema) and what they name on
   * disk (teacher, corpus, model), read through `files` once per request. Throws ConfigError naming the field.
   */
  parseConfig(raw: unknown, files?: ConfigFiles): C;
  /** The config as the job runs it, from the fields alone (no file read): what the worker does with a stored config. Default: parseConfig. */
  decode?(raw: unknown): C;
  /**
   * The memory one step of this config needs at least (model config.json read through `files`), or null when the
   * model cannot be read (its own check names that): the service refuses a config needing more than the machine has.
   */
  memoryNeed(config: C, files: ConfigFiles): MemoryNeed | null;
  /** The returned record is stored as the run's result. */
  run(config: C, ctx: JobContext): Promise<Record<string, unknown>>;
}
