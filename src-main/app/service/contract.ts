// The service every transport (Electron IPC, HTTP/WebSocket, CLI in-process) wraps.
// Transports only ever see this interface; createService (./index.ts) builds it from store + runner.
import type { ApiErrorBody, ApiEvent, ApiMethodName, ApiRequest, ApiResponse } from '../../shared/api/index.js';
import type { WorkerLauncher } from '../runner/worker-launcher.js';

export type AppMode = 'electron' | 'web' | 'cli';

/**
 * Thrown by Service.call; transports map `code` to a status (bad_request 400, unauthorized 401, not_found 404,
 * conflict 409, too_large 413, insufficient_storage 507, internal 500).
 */
export class ApiError extends Error {
  constructor(readonly code: ApiErrorBody['code'], message: string) {
    super(message);
    this.name = 'ApiError';
  }
  toBody(): ApiErrorBody { return { code: this.code, message: this.message }; }
}

export type { WorkerLauncher, WorkerProcess } from '../runner/worker-launcher.js';

export interface ServiceOptions {
  /** Data folder (DB, runs/); default resolveDataDir(). */
  home?: string;
  mode: AppMode;
  /** How many runs execute at once (default 1). */
  concurrency?: number;
  launchWorker?: WorkerLauncher;
  /** false for one-shot CLI commands that must not pick up queued runs (default true). */
  startRunner?: boolean;
  /** The runner starts only runs this service created or resumed (the CLI's `wid run` / `wid resume`); default false. */
  ownRunsOnly?: boolean;
}

export interface Service {
  readonly mode: AppMode;
  readonly dataDir: string;
  call<M extends ApiMethodName>(method: M, req: ApiRequest<M>): Promise<ApiResponse<M>>;
  subscribe(listener: (event: ApiEvent) => void): () => void;
  /** Stops accepting calls; running jobs keep their state (marked interrupted on next start if killed). */
  close(): Promise<void>;
}
