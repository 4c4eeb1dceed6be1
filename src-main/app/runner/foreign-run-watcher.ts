// Runs executed by another process on the same data folder (a web server while the CLI follows a run,
// or the other way round) change only in the database. While someone is subscribed, this polls the
// runs that are queued/running (or were, at the last look), and those that finished since the last look
// (a short run can start and end between two polls), and emits the events the owning process emitted
// there, so every subscriber sees every run. Events this process emitted itself are noted through
// `noteLocal`, so nothing is emitted twice.
import type { ApiEvent } from '../../shared/api/events.js';
import type { RunProgress, RunStatus } from '../../shared/api/types.js';
import type { Store } from '../store/index.js';

/** Another process stamps finished_at a moment before it commits, so the finished-since window reaches back this far. */
const COMMIT_SLACK_MS = 5000;
const windowStart = (pollStartMs: number) => new Date(pollStartMs - COMMIT_SLACK_MS).toISOString();

interface Seen { status: RunStatus; progress: string | null }
interface Row { id: number; status: RunStatus; error: string | null; progress: string | null; finished_at: string | null }

export class ForeignRunWatcher {
  private readonly seen = new Map<number, Seen>();
  private timer: NodeJS.Timeout | null = null;
  private primed = false;
  /** Rows finished at or after this are read again, seen or not: the previous poll's start, less the slack. */
  private since: string | null = null;

  constructor(private readonly store: Store, private readonly emit: (event: ApiEvent) => void, private readonly intervalMs = 1000) {}

  /** Record an event this process emitted, so the poll does not repeat it. */
  noteLocal(event: ApiEvent): void {
    if (event.type === 'run.status') {
      const prev = this.seen.get(event.runId);
      this.seen.set(event.runId, { status: event.status, progress: prev?.progress ?? null });
    } else if (event.type === 'run.progress') {
      const prev = this.seen.get(event.runId);
      this.seen.set(event.runId, { status: prev?.status ?? 'running', progress: JSON.stringify(event.progress) });
    }
  }

  start(): void {
    if (this.timer) return;
    this.primed = false;
    this.since = null;
    try { this.tick(); } catch (err) { this.reportTickError(err); }
    this.timer = setInterval(() => {
      // A full disk (marking a dead owner's run) or a damaged database must not take the process down from a timer.
      try { this.tick(); } catch (err) { this.reportTickError(err); }
    }, this.intervalMs);
    this.timer.unref();
  }

  private lastTickError = '';
  private reportTickError(err: unknown): void {
    const message = (err as Error)?.message ?? String(err);
    if (message !== this.lastTickError) process.stderr.write(`wid: watching other processes' runs failed: ${message}\n`);
    this.lastTickError = message;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  tick(): void {
    if (!this.store.db.open) return;
    const nextSince = windowStart(Date.now()); // the store's timestamps are ISO strings too
    this.store.runs.markDeadOwnersInterrupted(); // a dead owner's run turns interrupted; the diff below reports it
    const ids = [...this.seen.keys()];
    const args: unknown[] = [...ids];
    let sql = `SELECT id, status, error, progress, finished_at FROM runs WHERE status IN ('queued', 'running')`;
    if (ids.length) sql += ` OR id IN (${ids.map(() => '?').join(', ')})`;
    if (this.since) { sql += ' OR finished_at >= ?'; args.push(this.since); }
    const rows = this.store.db.prepare(sql).all(...args) as Row[];
    const present = new Set(rows.map((r) => r.id));
    for (const id of ids) if (!present.has(id)) this.seen.delete(id); // removed
    for (const row of rows) {
      const before = this.seen.get(row.id);
      if (this.primed) {
        if (row.progress !== null && row.progress !== (before?.progress ?? null)) {
          this.emit({ type: 'run.progress', runId: row.id, progress: JSON.parse(row.progress) as RunProgress });
        }
        if (row.status !== before?.status) this.emit({ type: 'run.status', runId: row.id, status: row.status, error: row.error });
      }
      const active = row.status === 'queued' || row.status === 'running';
      // A finished row is kept while the next poll's window would still return it, so it is not announced twice.
      if (active || (row.finished_at !== null && row.finished_at >= nextSince)) this.seen.set(row.id, { status: row.status, progress: row.progress });
      else this.seen.delete(row.id);
    }
    this.since = nextSince;
    this.primed = true;
  }
}
