// Runs: one row per job execution, with its config, lifecycle status, backend/device and latest progress.
import type { RunListQuery, RunMethod, RunProgress, RunRecord, RunStatus } from '../../shared/api/types.js';
import type { Db } from './database.js';
import { fromJson, now, toJson } from './json-column.js';

interface RunRow {
  id: number; name: string; method: RunMethod; status: RunStatus; config: string; seed: number;
  backend: string | null; device: string | null; teacher_model_id: number | null; dataset_id: number | null;
  parent_run_id: number | null; group_id: number | null; tags: string; notes: string; archived: number;
  error: string | null; progress: string | null; result: string | null; resume_requested: number;
  created_at: string; started_at: string | null; finished_at: string | null;
}

const toRecord = (r: RunRow): RunRecord => ({
  id: r.id, name: r.name, method: r.method, status: r.status, config: fromJson(r.config, {}), seed: r.seed,
  backend: r.backend, device: r.device, teacherModelId: r.teacher_model_id, datasetId: r.dataset_id,
  parentRunId: r.parent_run_id, groupId: r.group_id, tags: fromJson(r.tags, []), notes: r.notes,
  archived: r.archived !== 0, error: r.error, progress: fromJson<RunProgress | null>(r.progress, null),
  result: fromJson<Record<string, unknown> | null>(r.result, null),
  createdAt: r.created_at, startedAt: r.started_at, finishedAt: r.finished_at,
});

export interface NewRun {
  name: string; method: RunMethod; config: Record<string, unknown>; seed: number;
  teacherModelId?: number | null; datasetId?: number | null; parentRunId?: number | null; groupId?: number | null;
  tags?: string[]; notes?: string;
}

const SORT_COLUMNS: Record<NonNullable<RunListQuery['sort']>, string> = {
  createdAt: 'created_at', name: 'name COLLATE NOCASE', method: 'method', status: 'status',
};

/** Statuses a run can be resumed from; 'running' and 'queued' are still alive, 'completed' is done. */
export const RESUMABLE: RunStatus[] = ['interrupted', 'cancelled', 'failed', 'paused'];
export const FINISHED: RunStatus[] = ['completed', 'failed', 'cancelled', 'interrupted', 'paused'];

export class RunsRepo {
  constructor(private readonly db: Db) {}

  insert(r: NewRun): RunRecord {
    const info = this.db.prepare(`INSERT INTO runs (name, method, status, config, seed, teacher_model_id, dataset_id,
        parent_run_id, group_id, tags, notes, created_at)
      VALUES (?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
      r.name, r.method, toJson(r.config), r.seed, r.teacherModelId ?? null, r.datasetId ?? null,
      r.parentRunId ?? null, r.groupId ?? null, toJson(r.tags ?? []), r.notes ?? '', now());
    return this.get(Number(info.lastInsertRowid))!;
  }

  get(id: number): RunRecord | undefined {
    const r = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    return r && toRecord(r);
  }

  /** Whether the runner should start this run with resume: true (set by requeue). */
  resumeRequested(id: number): boolean {
    const r = this.db.prepare('SELECT resume_requested FROM runs WHERE id = ?').get(id) as { resume_requested: number } | undefined;
    return (r?.resume_requested ?? 0) !== 0;
  }

  list(q: RunListQuery = {}): RunRecord[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (!q.includeArchived) where.push('archived = 0');
    if (q.search && q.search.trim() !== '') {
      // LIKE with escaped wildcards so "50%" searches for the literal text
      const pattern = `%${q.search.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.push(`(name LIKE ? ESCAPE '\\' OR method LIKE ? ESCAPE '\\' OR notes LIKE ? ESCAPE '\\' OR tags LIKE ? ESCAPE '\\')`);
      args.push(pattern, pattern, pattern, pattern);
    }
    if (q.status?.length) { where.push(`status IN (${q.status.map(() => '?').join(', ')})`); args.push(...q.status); }
    if (q.method?.length) { where.push(`method IN (${q.method.map(() => '?').join(', ')})`); args.push(...q.method); }
    const column = SORT_COLUMNS[q.sort ?? 'createdAt'];
    const order = q.order === 'asc' ? 'ASC' : 'DESC';
    let sql = `SELECT * FROM runs${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${column} ${order}, id ${order}`;
    if (q.limit !== undefined) { sql += ' LIMIT ?'; args.push(q.limit); }
    return (this.db.prepare(sql).all(...args) as RunRow[]).map(toRecord);
  }

  /** Oldest queued runs first, so the queue is FIFO. */
  queued(): RunRecord[] {
    return (this.db.prepare("SELECT * FROM runs WHERE status = 'queued' ORDER BY id").all() as RunRow[]).map(toRecord);
  }

  update(id: number, patch: { name?: string; tags?: string[]; notes?: string; archived?: boolean }): RunRecord | undefined {
    const sets: string[] = [];
    const args: unknown[] = [];
    if (patch.name !== undefined) { sets.push('name = ?'); args.push(patch.name); }
    if (patch.tags !== undefined) { sets.push('tags = ?'); args.push(toJson(patch.tags)); }
    if (patch.notes !== undefined) { sets.push('notes = ?'); args.push(patch.notes); }
    if (patch.archived !== undefined) { sets.push('archived = ?'); args.push(patch.archived ? 1 : 0); }
    if (sets.length) this.db.prepare(`UPDATE runs SET ${sets.join(', ')} WHERE id = ?`).run(...args, id);
    return this.get(id);
  }

  markRunning(id: number): void {
    this.db.prepare("UPDATE runs SET status = 'running', started_at = ?, finished_at = NULL, error = NULL WHERE id = ?").run(now(), id);
  }

  setBackend(id: number, backend: string, device: string): void {
    this.db.prepare('UPDATE runs SET backend = ?, device = ? WHERE id = ?').run(backend, device, id);
  }

  setProgress(id: number, progress: RunProgress): void {
    this.db.prepare('UPDATE runs SET progress = ? WHERE id = ?').run(toJson(progress), id);
  }

  /** Final status with its error (failed/interrupted) or result (completed). */
  finish(id: number, status: RunStatus, fields: { error?: string | null; result?: Record<string, unknown> | null } = {}): void {
    this.db.prepare(`UPDATE runs SET status = ?, error = ?, result = COALESCE(?, result), finished_at = ?, resume_requested = 0
      WHERE id = ?`).run(status, fields.error ?? null, fields.result === undefined || fields.result === null ? null : toJson(fields.result), now(), id);
  }

  /** Back to the queue; the runner starts it with resume: true. */
  requeue(id: number): void {
    this.db.prepare("UPDATE runs SET status = 'queued', error = NULL, finished_at = NULL, resume_requested = 1 WHERE id = ?").run(id);
  }

  /** At startup: runs still marked running belong to a process that died with the app. */
  markOrphansInterrupted(reason: string): number[] {
    const ids = (this.db.prepare("SELECT id FROM runs WHERE status = 'running'").all() as { id: number }[]).map((r) => r.id);
    const stmt = this.db.prepare("UPDATE runs SET status = 'interrupted', error = ?, finished_at = ? WHERE id = ?");
    this.db.transaction(() => { for (const id of ids) stmt.run(reason, now(), id); })();
    return ids;
  }

  remove(id: number): boolean {
    return this.db.prepare('DELETE FROM runs WHERE id = ?').run(id).changes > 0;
  }
}
