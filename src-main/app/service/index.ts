// createService: the API implemented on top of the run store and the job runner. Every transport
// (Electron IPC, HTTP/WebSocket, the CLI) wraps the Service this returns.
import type { ApiEvent } from '../../shared/api/events.js';
import type { ApiMethodName, ApiRequest, ApiResponse } from '../../shared/api/methods.js';
import { resolveDataDir } from '../data-dir.js';
import { ForeignRunWatcher } from '../runner/foreign-run-watcher.js';
import { JobRunner } from '../runner/job-runner.js';
import { launchNodeWorker } from '../runner/node-launcher.js';
import { openStore } from '../store/index.js';
import { ApiError, type Service, type ServiceOptions } from './contract.js';
import { compareHandlers } from './compare.js';
import { datasetsHandlers } from './datasets.js';
import { modelTaskHandlers } from './model-tasks.js';
import { groupsHandlers } from './groups.js';
import { groupScoringHandlers } from './group-scoring.js';
import { recordRunLog, runLogHandlers } from './run-log.js';
import { modelsHandlers } from './models.js';
import { runsHandlers } from './runs.js';
import { runPlanHandlers } from './run-plan.js';
import type { Handlers, ServiceContext } from './service-context.js';
import { systemHandlers } from './system.js';
import { catalogEditHandlers } from './catalog-edits.js';
import { runInsightHandlers } from './run-insights.js';
import { checkRequestDepth } from './validate.js';

export { ApiError } from './contract.js';
export type { Service, ServiceOptions, AppMode, WorkerLauncher, WorkerProcess } from './contract.js';

export async function createService(opts: ServiceOptions): Promise<Service> {
  const dataDir = resolveDataDir(opts.home);
  const store = openStore(dataDir);
  const listeners = new Set<(event: ApiEvent) => void>();
  const deliver = (event: ApiEvent) => {
    for (const l of [...listeners]) {
      try { l(event); } catch { /* one broken subscriber must not stop the others or the runner */ }
    }
  };
  // Runs another process executes on this data folder reach our subscribers through the watcher.
  const watcher = new ForeignRunWatcher(store, deliver);
  const emit = (event: ApiEvent) => { watcher.noteLocal(event); recordRunLog(dataDir, event); deliver(event); };
  const launch = opts.launchWorker ?? launchNodeWorker;
  const runner = new JobRunner({ store, dataDir, launch, emit, concurrency: opts.concurrency, ownRunsOnly: opts.ownRunsOnly });
  const ctx: ServiceContext = { store, runner, launch, dataDir, mode: opts.mode, emit };
  const handlers: Handlers<ApiMethodName> = {
    ...systemHandlers(ctx),
    ...modelsHandlers(ctx),
    ...datasetsHandlers(ctx),
    ...runsHandlers(ctx),
    ...runPlanHandlers(ctx),
    ...groupsHandlers(ctx),
    ...groupScoringHandlers(ctx),
    ...runLogHandlers(ctx),
    ...compareHandlers(ctx),
    ...modelTaskHandlers(ctx),
    ...catalogEditHandlers(ctx),
    ...runInsightHandlers(ctx),
  };
  if (opts.startRunner !== false) runner.start();
  let closed = false;

  return {
    mode: opts.mode,
    dataDir,
    async call<M extends ApiMethodName>(method: M, req: ApiRequest<M>): Promise<ApiResponse<M>> {
      if (closed) throw new ApiError('conflict', 'the service is closed');
      if (typeof method !== 'string' || !Object.hasOwn(handlers, method)) {
        throw new ApiError('bad_request', `method: unknown API method ${JSON.stringify(method)}`);
      }
      const handler = handlers[method] as (r: ApiRequest<M>) => ApiResponse<M> | Promise<ApiResponse<M>>;
      try {
        checkRequestDepth(req, method);
        return await handler(req);
      } catch (err) {
        if (err instanceof ApiError) throw err;
        throw new ApiError('internal', `${method}: ${(err as Error)?.message ?? String(err)}`);
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      if (!closed) watcher.start();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) watcher.stop();
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      watcher.stop();
      await runner.close();
      listeners.clear();
      store.close();
    },
  };
}
