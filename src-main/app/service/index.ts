// createService: the API implemented on top of the run store and the job runner. Every transport
// (Electron IPC, HTTP/WebSocket, the CLI) wraps the Service this returns.
import type { ApiEvent } from '../../shared/api/events.js';
import type { ApiMethodName, ApiRequest, ApiResponse } from '../../shared/api/methods.js';
import { resolveDataDir } from '../data-dir.js';
import { ForeignRunWatcher } from '../runner/foreign-run-watcher.js';
import { JobRunner } from '../runner/job-runner.js';
import { launchNodeWorker } from '../runner/node-launcher.js';
import { DB_FILE, openStore } from '../store/index.js';
import { describeDamage, refreshBackup } from '../store/health.js';
import { join } from 'node:path';
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
import { targetsHandlers } from './targets.js';
import { slurmRuns } from '../slurm/slurm-runs.js';
import { checkRequestDepth } from './validate.js';
import { diskFullError, fileApiError, isDiskFull } from './io-errors.js';
import { RegularFileError } from '../../engine/io/regular-file.js';

export { ApiError } from './contract.js';
export type { Service, ServiceOptions, AppMode, WorkerLauncher, WorkerProcess } from './contract.js';

export async function createService(opts: ServiceOptions): Promise<Service> {
  const dataDir = resolveDataDir(opts.home);
  const store = openStore(dataDir);
  const dbFile = join(dataDir, DB_FILE);
  if (!store.health.ok) process.stderr.write(`wid: ${describeDamage(dbFile, store.health)}\n`);
  // A long-running process keeps a copy of a sound database (wid.db.backup) to restore a damaged one from.
  else if (opts.mode !== 'cli') void refreshBackup(store.db, dbFile);
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
  const remote = slurmRuns(store, dataDir);
  const runner = new JobRunner({ store, dataDir, launch, emit, concurrency: opts.concurrency, ownRunsOnly: opts.ownRunsOnly, remote });
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
    ...targetsHandlers(ctx),
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
        // A full disk (SQLITE_FULL, ENOSPC) is the machine's state, not a bug: 507 with what to free.
        if (isDiskFull(err)) throw diskFullError(method, dataDir, err, { free: 'space on that disk (old runs\' checkpoints under runs/<id>/, exported students)' });
        if (err instanceof RegularFileError) throw fileApiError(err, 'path');
        const code = (err as { code?: unknown })?.code;
        if (typeof code === 'string' && /^SQLITE_(CORRUPT|NOTADB)/.test(code)) {
          const health = { ...store.health, problems: store.health.ok ? [code] : store.health.problems };
          throw new ApiError('internal', `${method}: ${describeDamage(dbFile, health)}`);
        }
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
