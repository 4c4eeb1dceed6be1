// The job runner: takes queued runs from the store, starts one worker process per run (never on the
// UI thread), records what the worker reports, and settles the run's final status. A worker that
// exits without saying done/failed leaves its run `interrupted`, with everything recorded so far.
// Nothing the store or the disk throws here reaches the event loop: a full disk (SQLITE_FULL while settling
// a run) is reported on the run and retried until the write lands, and the process keeps serving.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiEvent } from '../../shared/api/events.js';
import type { RunRecord, RunStatus } from '../../shared/api/types.js';
import { isFromWorker, type FromWorker, type ToWorker } from '../../worker/protocol.js';
import type { WorkerLauncher, WorkerProcess } from './worker-launcher.js';
import type { RemoteRuns } from './remote-runs.js';
import type { Store } from '../store/index.js';
import { processIsAlive } from '../store/process-identity.js';
import { recordWorkerMessage } from './message-recorder.js';
import { storedJobConfig } from './job-config.js';
import { describeRemoved, removeStaleTempFiles, sweepDataFolder } from './stale-files.js';

export interface JobRunnerOptions {
  store: Store;
  dataDir: string;
  launch: WorkerLauncher;
  emit: (event: ApiEvent) => void;
  concurrency?: number;
  /**
   * Only start runs handed to adopt() (the CLI: a command runs what it created or resumed, and must not start
   * older queued runs that it would then abandon, interrupted, when it exits). Default false: every queued run.
   */
  ownRunsOnly?: boolean;
  /** How long a cancelled worker may take to stop before it is killed (default 5 s). */
  killAfterMs?: number;
  /** The same for pause, which writes a checkpoint first (default 60 s: a bert-base state is GBs). */
  pauseKillAfterMs?: number;
  /**
   * Runs with an execution target (runs.target) execute there (a SLURM cluster). They do not count against
   * `concurrency` (the cluster schedules them), and they outlive this process: close() leaves them running and
   * start() follows those nobody follows.
   */
  remote?: RemoteRuns;
}

interface ActiveRun {
  runId: number;
  remote: boolean;
  worker: WorkerProcess;
  /** Set once a terminal message (done/failed/stopped) has been recorded. */
  settled: boolean;
  /** What the user asked for; decides the status if the worker has to be killed. */
  requested: 'cancelled' | 'paused' | null;
  killTimer?: NodeJS.Timeout;
  exited: Promise<void>;
  /** The worker's messages are recorded one after another, in order (recording an artifact or model is async). */
  chain: Promise<void>;
  /** The last recording error reported, so a full disk is said once, not once per progress message. */
  lastRecordError?: string;
}

interface PendingSettle { status: RunStatus; fields: { error?: string | null; result?: Record<string, unknown> | null } }

/** How often a settle that the store refused (a full disk) is tried again. */
const SETTLE_RETRY_MS = 1000;

export const runWorkDir = (dataDir: string, runId: number) => join(dataDir, 'runs', String(runId));

/** Where the run's job keeps its checkpoints and student: on the shared folder for a SLURM run, else its run folder. */
export const jobWorkDir = (dataDir: string, run: Pick<RunRecord, 'id' | 'remote'>) => (run.remote ? join(run.remote.jobDir, 'work') : runWorkDir(dataDir, run.id));

export class JobRunner {
  private readonly active = new Map<number, ActiveRun>();
  private readonly owned = new Set<number>();
  /** Polls the store for stop requests other processes left for our runs (see stop()). */
  private stopPoll: NodeJS.Timeout | null = null;
  private readonly concurrency: number;
  private readonly killAfterMs: number;
  private readonly pauseKillAfterMs: number;
  private accepting = false;
  private closing = false;
  /** Final statuses the store could not write yet (SQLITE_FULL), retried every SETTLE_RETRY_MS. */
  private readonly pending = new Map<number, PendingSettle>();
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: JobRunnerOptions) {
    this.concurrency = Math.max(1, opts.concurrency ?? 1);
    this.killAfterMs = opts.killAfterMs ?? 5000;
    this.pauseKillAfterMs = opts.pauseKillAfterMs ?? Math.max(this.killAfterMs, 60_000);
  }

  /** Marks runs left `running` by a dead app as interrupted, then starts queued runs. */
  start(): void {
    try {
      for (const id of this.opts.store.runs.markOrphansInterrupted('the app exited while this run was running')) {
        this.emitStatus(id);
      }
    } catch (err) {
      // a full disk or a damaged database: serve what can be read; the orphans are marked by the next reader
      this.report(null, `could not mark runs left running by a previous start: ${(err as Error).message}`);
    }
    this.sweepLeftovers();
    this.accepting = true;
    if (!this.opts.ownRunsOnly) this.followRemoteRuns();
    this.pump();
  }

  /** Remote runs still running on their cluster that no live process follows (an earlier start closed or died). */
  private followRemoteRuns(): void {
    const { remote, store } = this.opts;
    if (!remote) return;
    let orphans;
    try { orphans = store.runs.remoteRunsToFollow(); } catch (err) { this.report(null, `could not read remote runs: ${(err as Error).message}`); return; }
    for (const { run, ownerPid } of orphans) {
      if (this.active.has(run.id) || !store.runs.takeOver(run.id, ownerPid)) continue;
      let worker: WorkerProcess | null;
      try { worker = remote.attach(run); } catch (err) { this.report(run.id, `could not follow run ${run.id}'s job: ${(err as Error).message}`); continue; }
      if (!worker) {
        this.settle(run.id, 'interrupted', { error: 'the workbench stopped before this run\'s job was submitted; resume the run to submit it' });
        continue;
      }
      this.track(run, worker);
    }
  }

  /** Start-up: temp files of interrupted writes in runs that are not running, and folders of unfinished removals. */
  private sweepLeftovers(): void {
    const isRunning = (id: number) => {
      try { return this.opts.store.runs.get(id)?.status === 'running'; }
      catch { return true; } // unknown: leave its files alone
    };
    const removed = sweepDataFolder(join(this.opts.dataDir, 'runs'), isRunning);
    if (removed.length) process.stderr.write(`wid: removed leftovers of interrupted writes: ${describeRemoved(removed)}\n`);
  }

  /** A run this runner executes, or whose final status it still has to write. */
  isActive(runId: number): boolean {
    return this.active.has(runId) || this.pending.has(runId);
  }

  /** Marks a run as this runner's to start (see ownRunsOnly); the service calls it for runs it creates or resumes. */
  adopt(runId: number): void {
    this.owned.add(runId);
  }

  /** Starts queued runs while there is room. Called after every create/resume and every exit. */
  pump(): void {
    if (!this.accepting) return;
    try {
      for (const run of this.opts.store.runs.queued()) {
        if (this.opts.ownRunsOnly && !this.owned.has(run.id)) continue;
        if (this.active.has(run.id)) continue;
        // the cluster schedules remote runs; only this machine's workers count against the concurrency
        if (!run.target && this.localActive() >= this.concurrency) continue;
        this.launch(run);
      }
    } catch (err) {
      // the store cannot be read or claimed (full disk, damaged file): queued runs wait for the next pump
      this.report(null, `could not start queued runs: ${(err as Error).message}`);
    }
  }

  private localActive(): number {
    let n = 0;
    for (const a of this.active.values()) if (!a.remote) n++;
    return n;
  }

  /**
   * Cancel: a queued run ends at once; a running one is asked to stop, and killed if it does not. Resolves once
   * a remote job nobody follows has been scancel'ed and its run settled (the CLI closes right after).
   */
  cancel(runId: number): Promise<void> {
    return this.stop(runId, 'cancelled');
  }

  /** Pause: like cancel, but the job checkpoints where it can and the run ends `paused`. */
  pause(runId: number): Promise<void> {
    return this.stop(runId, 'paused');
  }

  private async stop(runId: number, reason: 'cancelled' | 'paused'): Promise<void> {
    const a = this.active.get(runId);
    if (!a) {
      const { runs } = this.opts.store;
      const run = runs.get(runId);
      if (run?.status === 'queued') this.settle(runId, reason, {});
      else if (run?.status === 'running') {
        // Another process (web server, `wid run`) executes it: leave a request its runner polls for.
        // If that process is gone, nobody will ever answer, so settle it here.
        const owner = runs.ownerPid(runId);
        if (owner !== null && owner !== process.pid && processIsAlive(owner)) runs.requestStop(runId, reason);
        else if (run.target && this.opts.remote) {
          // a cluster job nobody follows: take it out of the cluster, then the run ends as asked
          const problem = await this.opts.remote.cancelUnfollowed(run).catch((err: Error) => err.message);
          if (problem) this.report(runId, problem);
          this.settle(runId, reason, { error: null });
        } else this.settle(runId, reason, { error: null });
      }
      return;
    }
    if (a.requested) return;
    a.requested = reason;
    a.killTimer = setTimeout(() => a.worker.kill(), reason === 'paused' ? this.pauseKillAfterMs : this.killAfterMs);
    try {
      a.worker.send({ type: reason === 'cancelled' ? 'cancel' : 'pause' } satisfies ToWorker);
    } catch {
      a.worker.kill(); // the channel is gone: the process is exiting or stuck
    }
  }

  private pollStopRequests(): void {
    try {
      for (const { id, reason } of this.opts.store.runs.stopRequests([...this.active.keys()])) {
        this.stop(id, reason).catch((err: unknown) => this.report(id, `could not stop run ${id}: ${(err as Error).message}`));
      }
    } catch (err) {
      this.report(null, `could not read stop requests: ${(err as Error).message}`);
    }
  }

  private updateStopPoll(): void {
    if (this.active.size > 0 && !this.stopPoll) {
      this.stopPoll = setInterval(() => this.pollStopRequests(), 500);
      this.stopPoll.unref();
    } else if (this.active.size === 0 && this.stopPoll) {
      clearInterval(this.stopPoll);
      this.stopPoll = null;
    }
  }

  /** Stops starting runs and kills running workers; their runs are marked interrupted. Remote jobs keep running. */
  async close(): Promise<void> {
    this.accepting = false;
    this.closing = true;
    for (const a of [...this.active.values()]) {
      if (!a.worker.detach || a.requested) continue;
      // a cluster job outlives us: the next start follows it from where its events were recorded
      a.settled = true;
      await a.worker.detach();
      await a.chain;
      this.active.delete(a.runId);
      try { this.opts.store.runs.release(a.runId); } catch { /* the next start sees this process gone anyway */ }
    }
    this.updateStopPoll();
    const waits = [...this.active.values()].map((a) => { a.worker.kill(); return a.exited; });
    await Promise.all(waits);
    this.retryPending(); // a last try; what still fails is marked interrupted by the next start
    if (this.retryTimer) clearInterval(this.retryTimer);
    this.retryTimer = null;
  }

  private launch(run: RunRecord): void {
    const { store } = this.opts;
    const resume = store.runs.resumeRequested(run.id);
    if (!store.runs.claim(run.id)) return; // another process on the same data folder started it
    const workDir = runWorkDir(this.opts.dataDir, run.id);
    try {
      mkdirSync(workDir, { recursive: true });
    } catch (err) {
      this.settle(run.id, 'failed', { error: `could not create the run folder ${workDir}: ${(err as Error).message}` });
      return;
    }
    let jobConfig: unknown;
    try {
      jobConfig = storedJobConfig(store, run);
    } catch (err) {
      // as a job's own exception: the message is the run's error, the stack goes to its log
      const e = err as Error;
      this.opts.emit({ type: 'run.log', runId: run.id, level: 'error', message: e.stack ?? e.message });
      this.settle(run.id, 'failed', { error: e.message });
      return;
    }
    this.emitStatus(run.id);
    if (resume) {
      // a worker killed mid-write left step-N.safetensors.tmp-<pid> (or attention.json.tmp-<pid>) behind
      const removed = removeStaleTempFiles(workDir);
      if (removed.length) this.opts.emit({ type: 'run.log', runId: run.id, level: 'info', message: `removed leftovers of an interrupted write: ${describeRemoved(removed)}` });
    }
    let worker: WorkerProcess;
    try {
      if (run.target && !this.opts.remote) throw new Error(`run ${run.id} is meant for the execution target "${run.target}", which this process cannot reach`);
      worker = run.target ? this.opts.remote!.launch(run) : this.opts.launch(run.id);
    } catch (err) {
      this.settle(run.id, 'failed', { error: `could not start the job process: ${(err as Error).message}` });
      return;
    }
    this.track(run, worker);
    worker.send({ type: 'start', runId: run.id, method: run.method, config: run.config, jobConfig, workDir, seed: run.seed, resume } satisfies ToWorker);
  }

  /** Records a worker's messages and settles its run when it exits. */
  private track(run: RunRecord, worker: WorkerProcess): void {
    let onExited!: () => void;
    const a: ActiveRun = {
      runId: run.id, remote: Boolean(run.target), worker, settled: false, requested: null, exited: new Promise((r) => { onExited = r; }), chain: Promise.resolve(),
    };
    this.active.set(run.id, a);
    this.updateStopPoll();
    // the chain never rejects: a failure is reported, and the next message is still recorded
    const then = (step: () => void | Promise<void>) => {
      a.chain = a.chain.then(step).catch((err: unknown) => this.report(run.id, `run ${run.id}: ${(err as Error)?.message ?? String(err)}`));
    };
    worker.onMessage((m) => then(async () => {
      try { await this.onMessage(a, m); } finally { worker.recorded?.(); }
    }));
    worker.onExit((code, reason) => {
      clearTimeout(a.killTimer);
      // after every message the worker sent before it exited has been recorded
      then(() => {
        try {
          this.active.delete(run.id);
          this.updateStopPoll();
          if (!a.settled) {
            // Killed after a cancel/pause request: the user's intent decides; otherwise it died.
            if (a.requested) this.settle(run.id, a.requested, { error: null });
            else if (this.closing) this.settle(run.id, 'interrupted', { error: 'the app was closed while this run was running' });
            else this.settle(run.id, 'interrupted', { error: reason ?? `job process exited (code ${code ?? 'unknown'}) before the job finished` });
          }
        } finally {
          onExited();
        }
        this.pump();
      });
    });
  }

  /** Records one worker message; never throws (a failure is reported on the run's log). */
  private async onMessage(a: ActiveRun, raw: unknown): Promise<void> {
    if (a.settled || !isFromWorker(raw)) return;
    const msg: FromWorker = raw;
    if (msg.type === 'done') { a.settled = true; this.settle(a.runId, 'completed', { result: msg.result }); return; }
    if (msg.type === 'stopped') { a.settled = true; this.settle(a.runId, msg.reason, { result: msg.result }); return; }
    if (msg.type === 'failed') { a.settled = true; this.settle(a.runId, 'failed', { error: msg.error }); return; }
    try {
      for (const event of await recordWorkerMessage(this.opts.store, a.runId, msg)) this.opts.emit(event);
      a.lastRecordError = undefined;
    } catch (err) {
      // A bad artifact path, a model folder or a full disk must not kill the run; report it on the run's log, once.
      const message = `could not record ${msg.type}: ${(err as Error).message}`;
      if (message !== a.lastRecordError) this.report(a.runId, message);
      a.lastRecordError = message;
    }
  }

  /**
   * Writes a run's final status. When the store refuses (SQLITE_FULL on a full disk), the status and the
   * worker's own message are announced anyway and the write is retried every SETTLE_RETRY_MS until it lands.
   */
  private settle(runId: number, status: RunStatus, fields: PendingSettle['fields']): void {
    this.pending.delete(runId);
    try {
      this.opts.store.runs.finish(runId, status, fields);
    } catch (err) {
      this.pending.set(runId, { status, fields });
      this.report(runId, `could not record that run ${runId} ended ${status}${fields.error ? ` (${fields.error.split('\n')[0]})` : ''}: ` +
        `${(err as Error).message}; retrying every ${SETTLE_RETRY_MS / 1000} s until the disk has room`);
      this.opts.emit({ type: 'run.status', runId, status, error: fields.error ?? null });
      if (!this.retryTimer) {
        this.retryTimer = setInterval(() => this.retryPending(), SETTLE_RETRY_MS);
        this.retryTimer.unref();
      }
      return;
    }
    this.emitStatus(runId);
  }

  private retryPending(): void {
    for (const [runId, p] of [...this.pending]) {
      try {
        this.opts.store.runs.finish(runId, p.status, p.fields);
      } catch {
        continue;
      }
      this.pending.delete(runId);
      this.emitStatus(runId);
    }
    if (this.pending.size === 0 && this.retryTimer) {
      clearInterval(this.retryTimer);
      this.retryTimer = null;
      this.pump();
    }
  }

  /** An error the runner cannot hand to a caller: on stderr, and on the run's log when it concerns a run. */
  private report(runId: number | null, message: string): void {
    process.stderr.write(`wid: ${message}\n`);
    if (runId !== null) this.opts.emit({ type: 'run.log', runId, level: 'error', message });
  }

  private emitStatus(runId: number): void {
    let run;
    try { run = this.opts.store.runs.get(runId); } catch (err) { this.report(runId, `could not read run ${runId}: ${(err as Error).message}`); return; }
    if (run) this.opts.emit({ type: 'run.status', runId, status: run.status, error: run.error });
  }
}
