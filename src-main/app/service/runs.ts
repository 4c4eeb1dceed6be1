// runs.*: create (validated before anything is written), list/get, lifecycle (cancel, pause, resume),
// edits, removal, and the run's metrics, evaluations and artifacts.
import { existsSync, renameSync, rmSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import type { RunMethod, RunRecord, RunStatus } from '../../shared/api/types.js';
import { runWorkDir } from '../runner/job-runner.js';
import { REMOVED_PREFIX } from '../runner/stale-files.js';
import { RESUMABLE } from '../store/index.js';
import type { ServiceContext, Handlers } from './service-context.js';
import { resolveRunConfig } from './run-config.js';
import { effectiveSettings } from './effective-settings.js';
import { checkTargetNow, requestedTarget } from './targets.js';
import {
  badRequest, conflict, idField, notFound, optionalBool, optionalId, optionalInt, optionalOneOfArray, optionalString,
  optionalStringArray, oneOf, requestObject,
} from './validate.js';

export const RUN_METHODS: readonly RunMethod[] = ['selftest', 'wid', 'distilbert', 'tinybert', 'albert', 'mobilebert', 'finetune', 'evaluate'];
const RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'paused', 'completed', 'failed', 'cancelled', 'interrupted'];

/** SQLite refuses LIKE patterns over 50,000 bytes; nobody types a search that long. */
const MAX_SEARCH_CHARS = 1000;
function searchText(req: Record<string, unknown>): string | undefined {
  const search = optionalString(req, 'search');
  if (search !== undefined && search.length > MAX_SEARCH_CHARS) throw badRequest(`search: at most ${MAX_SEARCH_CHARS} characters, got ${search.length}`);
  return search;
}

/**
 * Runs left `running` by a process that died (kill -9) become interrupted as soon as anyone looks, not only
 * when a runner next starts on this data folder; whoever holds the events is told.
 */
export function settleDeadOwners(ctx: ServiceContext): void {
  for (const id of ctx.store.runs.markDeadOwnersInterrupted()) {
    const run = ctx.store.runs.get(id);
    if (run) ctx.emit({ type: 'run.status', runId: id, status: run.status, error: run.error });
  }
}

export function getRun(ctx: ServiceContext, id: number): RunRecord {
  const run = ctx.store.runs.get(id);
  if (!run) throw notFound(`run ${id} not found`);
  return run;
}

const isInside = (dir: string, path: string) => {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
};

export function runsHandlers(ctx: ServiceContext): Handlers<
  'runs.list' | 'runs.get' | 'runs.settings' | 'runs.create' | 'runs.cancel' | 'runs.pause' | 'runs.resume' | 'runs.update' | 'runs.remove'
  | 'runs.metrics' | 'runs.evaluations' | 'runs.artifacts'
> {
  const { store, runner } = ctx;
  return {
    'runs.list': (raw) => {
      const req = requestObject(raw, 'runs.list');
      settleDeadOwners(ctx);
      return store.runs.list({
        search: searchText(req),
        status: optionalOneOfArray(req, 'status', RUN_STATUSES),
        method: optionalOneOfArray(req, 'method', RUN_METHODS),
        includeArchived: optionalBool(req, 'includeArchived'),
        sort: req.sort === undefined ? undefined : oneOf(req, 'sort', ['createdAt', 'name', 'method', 'status'] as const),
        order: req.order === undefined ? undefined : oneOf(req, 'order', ['asc', 'desc'] as const),
        limit: optionalInt(req, 'limit', 1, 100_000),
      });
    },

    'runs.get': (raw) => {
      const id = idField(requestObject(raw, 'runs.get'), 'id');
      settleDeadOwners(ctx);
      return getRun(ctx, id);
    },

    'runs.settings': (raw) => {
      const run = getRun(ctx, idField(requestObject(raw, 'runs.settings'), 'id'));
      return effectiveSettings(run, store.runs.jobConfig(run.id));
    },

    'runs.create': async (raw) => {
      const req = { ...requestObject(raw, 'runs.create') };
      const name = optionalString(req, 'name');
      const parentRunId = optionalId(req, 'parentRunId');
      if (parentRunId !== undefined) getRun(ctx, parentRunId);
      const target = requestedTarget(ctx, req);
      const resolved = resolveRunConfig(store, req.method, req.config);
      await checkTargetNow(ctx, target); // the config is sound: now ask the cluster, before anything is written
      const run = store.transaction(() => {
        const r = store.runs.insert({ ...resolved, name: name?.trim() || resolved.method, parentRunId: parentRunId ?? null, target });
        return name?.trim() ? r : store.runs.update(r.id, { name: `${resolved.method} #${r.id}` })!;
      });
      ctx.emit({ type: 'run.status', runId: run.id, status: run.status, error: null });
      runner.adopt(run.id);
      runner.pump();
      return store.runs.get(run.id)!;
    },

    'runs.cancel': async (raw) => {
      const run = getRun(ctx, idField(requestObject(raw, 'runs.cancel'), 'id'));
      if (run.status !== 'queued' && run.status !== 'running') throw conflict(`run ${run.id} is ${run.status}: only queued or running runs can be cancelled`);
      await runner.cancel(run.id);
      return getRun(ctx, run.id);
    },

    'runs.pause': async (raw) => {
      const run = getRun(ctx, idField(requestObject(raw, 'runs.pause'), 'id'));
      if (run.status !== 'queued' && run.status !== 'running') throw conflict(`run ${run.id} is ${run.status}: only queued or running runs can be paused`);
      await runner.pause(run.id);
      return getRun(ctx, run.id);
    },

    'runs.resume': (raw) => {
      const run = getRun(ctx, idField(requestObject(raw, 'runs.resume'), 'id'));
      if (!RESUMABLE.includes(run.status)) throw conflict(`run ${run.id} is ${run.status}: only ${RESUMABLE.join(', ')} runs can be resumed`);
      store.runs.requeue(run.id);
      ctx.emit({ type: 'run.status', runId: run.id, status: 'queued', error: null });
      runner.adopt(run.id);
      runner.pump();
      return getRun(ctx, run.id);
    },

    'runs.update': (raw) => {
      const req = requestObject(raw, 'runs.update');
      const id = idField(req, 'id');
      const patch = {
        name: optionalString(req, 'name', false)?.trim(),
        tags: optionalStringArray(req, 'tags')?.map((t) => t.trim()).filter((t) => t !== ''),
        notes: optionalString(req, 'notes'),
        archived: optionalBool(req, 'archived'),
      };
      getRun(ctx, id);
      return store.runs.update(id, patch)!;
    },

    'runs.remove': (raw) => {
      const run = getRun(ctx, idField(requestObject(raw, 'runs.remove'), 'id'));
      if (runner.isActive(run.id) || run.status === 'running') throw conflict(`run ${run.id} is running: cancel it before removing it`);
      // One recoverable order: the run folder is moved aside (a rename, no space needed), then the rows go in one
      // transaction; if that fails (a full disk, a damaged database) the folder is put back and nothing changed.
      // Only then are files deleted: the moved folder (an interrupted delete is finished at the next start) and
      // artifacts the app wrote elsewhere under its data folder (never files outside it, such as a student
      // exported to a folder the user chose).
      const workDir = runWorkDir(ctx.dataDir, run.id);
      const aside = join(dirname(workDir), `${REMOVED_PREFIX}${run.id}-${Date.now()}`);
      const artifacts = store.artifacts.listForRun(run.id).map((a) => a.path).filter((p) => isInside(ctx.dataDir, p) && !isInside(workDir, p));
      const moved = existsSync(workDir);
      if (moved) renameSync(workDir, aside);
      // a SLURM run's job folder on the shared folder (its checkpoints and student) goes with it
      const jobDir = run.remote?.jobDir ?? null;
      try {
        store.transaction(() => {
          // Students this run wrote into its folder are gone with it; students saved elsewhere stay registered.
          for (const m of store.models.list()) {
            if (m.sourceRunId === run.id && (isInside(workDir, m.path) || (jobDir !== null && isInside(jobDir, m.path)))) store.models.remove(m.id);
          }
          store.runs.remove(run.id);
        });
      } catch (err) {
        if (moved) renameSync(aside, workDir);
        throw err;
      }
      try {
        rmSync(aside, { recursive: true, force: true });
        if (jobDir) rmSync(jobDir, { recursive: true, force: true });
        for (const path of artifacts) rmSync(path, { recursive: true, force: true });
      } catch { /* the row is gone; the start-up sweep finishes the folder */ }
      return { ok: true as const };
    },

    'runs.metrics': (raw) => {
      const req = requestObject(raw, 'runs.metrics');
      const run = getRun(ctx, idField(req, 'id'));
      return store.metrics.list(run.id, optionalStringArray(req, 'names'));
    },

    'runs.evaluations': (raw) => store.evaluations.listForRun(getRun(ctx, idField(requestObject(raw, 'runs.evaluations'), 'id')).id),

    'runs.artifacts': (raw) => store.artifacts.listForRun(getRun(ctx, idField(requestObject(raw, 'runs.artifacts'), 'id')).id),
  };
}
