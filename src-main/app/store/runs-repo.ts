// Runs: one row per job execution, with its config, lifecycle status, backend/device and latest progress.
import type { RunListQuery, RunMethod, RunProgress, RunRecord, RunStatus } from '../../shared/api/types.js';
import type { Db } from './database.js';
import { fromJson, now, toJson } from './json-column.js';
import { ownerIsAlive, processStartTime } from './process-identity.js';
import { segmentSeconds } from '../../shared/api/run-time.js';


interface RunRow {
  id: number; name: string; method: RunMethod; status: RunStatus; config: string; seed: number;
  backend: string | null; device: string | null; teacher_model_id: number | null; dataset_id: number | null;
  parent_run_id: number | null; group_id: number | null; tags: string; notes: string; archived: number;
  error: string | null; progress: string | null; result: string | null; resume_requested: number;
  created_at: string; started_at: string | null; finished_at: string | null;
  owner_pid: number | null; owner_started: string | null; last_step_at: string | null; target: string | null; earlier_seconds: number;
  rj_job_id: string | null; rj_state: string | null; rj_reason: string | null; rj_job_dir: string | null;
}

/** Every read of a run carries its SLURM job, when it has one. */
const SELECT_RUNS = `SELECT runs.*, rj.job_id AS rj_job_id, rj.state AS rj_state, rj.reason AS rj_reason, rj.job_dir AS rj_job_dir
  FROM runs LEFT JOIN remote_jobs rj ON rj.run_id = runs.id`;

/** A running run that reported no step for this long is shown as stalled (WID_STALL_SECONDS overrides). */
export const DEFAULT_STALL_SECONDS = 600;
export function stallSeconds(): number {
  const v = Number(process.env.WID_STALL_SECONDS);
  return Number.isFinite(v) && v > 0 ? v : DEFAULT_STALL_SECONDS;
}

function isStalled(r: RunRow, nowMs: number): boolean {
  if (r.status !== 'running') return false;
  const since = r.last_step_at ?? r.started_at;
  return since !== null && nowMs - Date.parse(since) > stallSeconds() * 1000;
}

const toRecord = (r: RunRow): RunRecord => ({
  id: r.id, name: r.name, method: r.method, status: r.status, config: fromJson(r.config, {}), seed: r.seed,
  backend: r.backend, device: r.device, teacherModelId: r.teacher_model_id, datasetId: r.dataset_id,
  parentRunId: r.parent_run_id, groupId: r.group_id, tags: fromJson(r.tags, []), notes: r.notes,
  archived: r.archived !== 0, error: r.error, progress: fromJson<RunProgress | null>(r.progress, null),
  result: fromJson<Record<string, unknown> | null>(r.result, null),
  createdAt: r.created_at, startedAt: r.started_at, finishedAt: r.finished_at,
  lastStepAt: r.last_step_at, stalled: isStalled(r, Date.now()), earlierSeconds: r.earlier_seconds ?? 0, target: r.target,
  remote: r.rj_job_id === null ? null : { jobId: r.rj_job_id, state: r.rj_state, reason: r.rj_reason, jobDir: r.rj_job_dir ?? '' },
});

interface OwnerRow { id: number; owner_pid: number | null; owner_started: string | null; started_at: string | null }

export interface NewRun {
  name: string; method: RunMethod; config: Record<string, unknown>; seed: number;
  /** The job's config as the service parsed it (what the worker runs). */
  jobConfig?: unknown;
  teacherModelId?: number | null; datasetId?: number | null; parentRunId?: number | null; groupId?: number | null;
  tags?: string[]; notes?: string;
  /** Execution target's name; null: this machine. */
  target?: string | null;
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
    const info = this.db.prepare(`INSERT INTO runs (name, method, status, config, job_config, seed, teacher_model_id, dataset_id,
        parent_run_id, group_id, tags, notes, created_at, target)
      VALUES (?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
      r.name, r.method, toJson(r.config), r.jobConfig === undefined ? null : toJson(r.jobConfig), r.seed, r.teacherModelId ?? null, r.datasetId ?? null,
      r.parentRunId ?? null, r.groupId ?? null, toJson(r.tags ?? []), r.notes ?? '', now(), r.target ?? null);
    return this.get(Number(info.lastInsertRowid))!;
  }

  /** The job's config as the service parsed it at creation; null for a run stored before it was kept. */
  jobConfig(id: number): unknown {
    const r = this.db.prepare('SELECT job_config FROM runs WHERE id = ?').get(id) as { job_config: string | null } | undefined;
    return fromJson<unknown>(r?.job_config, null);
  }

  get(id: number): RunRecord | undefined {
    const r = this.db.prepare(`${SELECT_RUNS} WHERE runs.id = ?`).get(id) as RunRow | undefined;
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
    let sql = `${SELECT_RUNS}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${column} ${order}, runs.id ${order}`;
    if (q.limit !== undefined) { sql += ' LIMIT ?'; args.push(q.limit); }
    return (this.db.prepare(sql).all(...args) as RunRow[]).map(toRecord);
  }

  /** Oldest queued runs first, so the queue is FIFO. */
  queued(): RunRecord[] {
    return (this.db.prepare(`${SELECT_RUNS} WHERE status = 'queued' ORDER BY runs.id`).all() as RunRow[]).map(toRecord);
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

  /** Running in this process: owner_pid lets other processes tell a live run from an orphan. */
  markRunning(id: number, ownerPid: number = process.pid): void {
    this.db.prepare(`UPDATE runs SET status = 'running', started_at = ?, finished_at = NULL, error = NULL, owner_pid = ?,
      owner_started = ?, last_step_at = NULL, stop_requested = NULL WHERE id = ?`).run(now(), ownerPid, processStartTime(ownerPid), id);
  }

  /** queued -> running in one statement; false when another process's runner claimed it first. */
  claim(id: number, ownerPid: number = process.pid): boolean {
    return this.db.prepare(`UPDATE runs SET status = 'running', started_at = ?, finished_at = NULL, error = NULL, owner_pid = ?,
      owner_started = ?, last_step_at = NULL, stop_requested = NULL WHERE id = ? AND status = 'queued'`)
      .run(now(), ownerPid, processStartTime(ownerPid), id).changes === 1;
  }

  ownerPid(id: number): number | null {
    return (this.db.prepare('SELECT owner_pid FROM runs WHERE id = ?').get(id) as { owner_pid: number | null } | undefined)?.owner_pid ?? null;
  }

  /** Asks whichever process runs it to stop it (see JobRunner's stop-request polling). */
  requestStop(id: number, reason: 'cancelled' | 'paused'): void {
    this.db.prepare("UPDATE runs SET stop_requested = ? WHERE id = ? AND status = 'running'").run(reason, id);
  }

  /** Stop requests for the given running runs. */
  stopRequests(ids: number[]): { id: number; reason: 'cancelled' | 'paused' }[] {
    if (!ids.length) return [];
    return this.db.prepare(`SELECT id, stop_requested AS reason FROM runs WHERE stop_requested IS NOT NULL AND id IN (${ids.map(() => '?').join(', ')})`)
      .all(...ids) as { id: number; reason: 'cancelled' | 'paused' }[];
  }

  setBackend(id: number, backend: string, device: string): void {
    this.db.prepare('UPDATE runs SET backend = ?, device = ? WHERE id = ?').run(backend, device, id);
  }

  setProgress(id: number, progress: RunProgress): void {
    this.db.prepare('UPDATE runs SET progress = ?, last_step_at = ? WHERE id = ?').run(toJson(progress), now(), id);
  }

  /** Final status with its error (failed/interrupted) or result (completed). */
  finish(id: number, status: RunStatus, fields: { error?: string | null; result?: Record<string, unknown> | null } = {}): void {
    this.db.prepare(`UPDATE runs SET status = ?, error = ?, result = COALESCE(?, result), finished_at = ?, resume_requested = 0,
      stop_requested = NULL, owner_pid = NULL, owner_started = NULL WHERE id = ?`).run(status, fields.error ?? null, fields.result === undefined || fields.result === null ? null : toJson(fields.result), now(), id);
  }

  /** Back to the queue; the runner starts it with resume: true. */
  requeue(id: number): void {
    // the segment that ends here is added to the earlier ones before started_at/finished_at are overwritten
    const run = this.get(id);
    const segment = run ? segmentSeconds(run) ?? 0 : 0;
    this.db.prepare("UPDATE runs SET status = 'queued', error = NULL, finished_at = NULL, resume_requested = 1, earlier_seconds = earlier_seconds + ? WHERE id = ?").run(segment, id);
  }

  /**
   * At startup: runs still marked running whose owning process is gone died with their app. Runs owned
   * by another live process (a web server while the CLI starts) are left alone.
   */
  markOrphansInterrupted(reason: string, isAlive: (pid: number, started: string | null) => boolean = ownerIsAlive): number[] {
    return this.interruptWhere(() => reason, (r) => r.owner_pid === null || r.owner_pid === process.pid || !isAlive(r.owner_pid, r.owner_started));
  }

  /**
   * On every read: runs still marked running whose owner process died (killed -9, power cut) without
   * settling them. Unlike markOrphansInterrupted, runs this process owns are left to its runner.
   */
  markDeadOwnersInterrupted(isAlive: (pid: number, started: string | null) => boolean = ownerIsAlive): number[] {
    const mine = processStartTime(process.pid);
    return this.interruptWhere(
      (r) => `the process that ran it (pid ${r.owner_pid ?? 'unknown'}) is gone: it was killed or crashed; resume the run to continue from its last checkpoint`,
      // a claim writes owner_pid with the status, so a running run without one has no owner at all
      (r) => r.owner_pid === null ? true
        : r.owner_pid === process.pid ? (mine !== null && r.owner_started !== null && r.owner_started !== mine) : !isAlive(r.owner_pid, r.owner_started));
  }

  /**
   * Remote runs (a SLURM job) outlive the process that follows them, so a dead owner does not interrupt them: a runner
   * that starts later follows them again (remoteRunsToFollow), and the job's own end decides their status.
   */
  private interruptWhere(reason: (r: OwnerRow) => string, dead: (r: OwnerRow) => boolean): number[] {
    const rows = this.db.prepare("SELECT id, owner_pid, owner_started, started_at FROM runs WHERE status = 'running' AND target IS NULL").all() as OwnerRow[];
    const stale = rows.filter(dead);
    if (!stale.length) return [];
    // status = 'running' again inside the UPDATE: the owner may have settled the run since the SELECT.
    const stmt = this.db.prepare("UPDATE runs SET status = 'interrupted', error = ?, finished_at = ?, owner_pid = NULL, owner_started = NULL, stop_requested = NULL WHERE id = ? AND status = 'running'");
    return this.db.transaction(() => stale.filter((r) => stmt.run(reason(r), now(), r.id).changes === 1).map((r) => r.id))();
  }

  /** Running remote runs nobody follows: no owner, or an owner process that is gone. */
  remoteRunsToFollow(isAlive: (pid: number, started: string | null) => boolean = ownerIsAlive): { run: RunRecord; ownerPid: number | null }[] {
    const rows = this.db.prepare(`${SELECT_RUNS} WHERE status = 'running' AND runs.target IS NOT NULL ORDER BY runs.id`).all() as RunRow[];
    return rows.filter((r) => r.owner_pid === null || (r.owner_pid !== process.pid && !isAlive(r.owner_pid, r.owner_started)))
      .map((r) => ({ run: toRecord(r), ownerPid: r.owner_pid }));
  }

  /** Takes over following a remote run whose owner was seen gone; false when another process took it first. */
  takeOver(id: number, previousOwner: number | null, ownerPid: number = process.pid): boolean {
    return this.db.prepare(`UPDATE runs SET owner_pid = ?, owner_started = ? WHERE id = ? AND status = 'running' AND owner_pid IS ?`)
      .run(ownerPid, processStartTime(ownerPid), id, previousOwner).changes === 1;
  }

  /** This process stops following a remote run that keeps running on its cluster (the app closes). */
  release(id: number): void {
    this.db.prepare("UPDATE runs SET owner_pid = NULL, owner_started = NULL WHERE id = ? AND status = 'running' AND owner_pid = ?").run(id, process.pid);
  }

  remove(id: number): boolean {
    return this.db.prepare('DELETE FROM runs WHERE id = ?').run(id).changes > 0;
  }
}
