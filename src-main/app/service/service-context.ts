// What every API area needs: the store, the runner, the data folder and the event fan-out.
import type { ApiEvent } from '../../shared/api/events.js';
import type { ApiMethodName, ApiRequest, ApiResponse } from '../../shared/api/methods.js';
import type { JobRunner } from '../runner/job-runner.js';
import type { Store } from '../store/index.js';
import type { WorkerLauncher } from '../runner/worker-launcher.js';
import type { AppMode } from './contract.js';

export interface ServiceContext {
  store: Store;
  runner: JobRunner;
  /** Starts a worker process (runs, and one-off model tasks). */
  launch: WorkerLauncher;
  dataDir: string;
  mode: AppMode;
  emit(event: ApiEvent): void;
}

/** One handler per API method; `req` is unchecked input from a transport, so handlers validate it. */
export type Handler<M extends ApiMethodName> = (req: ApiRequest<M>) => ApiResponse<M> | Promise<ApiResponse<M>>;
export type Handlers<K extends ApiMethodName> = { [M in K]: Handler<M> };
