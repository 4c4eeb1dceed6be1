// One run executed as a SLURM job, seen by the runner as a worker process: `start` submits the batch script (after
// copying what the job needs into the shared folder); the job's events file is tailed into messages; cancel and
// pause are a control file the job polls; kill is scancel; the job's end (SLURM's state) is the process's exit.
// attach() follows a job submitted by an earlier start of the workbench, from where its events were last recorded.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunRecord, SlurmTargetSettings } from '../../shared/api/types.js';
import type { FromWorker, ToWorker } from '../../worker/protocol.js';
import type { SlurmJobSpec } from '../../worker/slurm-job.js';
import type { WorkerProcess } from '../runner/worker-launcher.js';
import type { RemoteJob, Store } from '../store/index.js';
import { batchScript } from './batch-script.js';
import { slurmCommand, slurmError } from './command.js';
import { readEvents } from './event-tail.js';
import { instanceId, runJobFiles, SharedPaths } from './job-files.js';
import { outcomeOf, queryJob, type JobState } from './job-state.js';
import { stageStartMessage } from './stage-inputs.js';
import { workerCommand } from './worker-bundle.js';

/** How long an end of the job must stand before it counts (a requeue can show the old attempt's end first). */
const END_CONFIRM_MS = 3_000;

export interface SlurmJobOptions {
  store: Store;
  dataDir: string;
  /** How often the events file is read (ms). */
  pollMs: number;
  /** How often SLURM is asked for the job's state (ms); over ssh every ask is a connection. */
  statePollMs: number;
}

const LOG_TAIL_LINES = 20;
const TERMINAL = new Set(['done', 'stopped', 'failed']);

export class SlurmJob implements WorkerProcess {
  private readonly messageListeners: ((m: unknown) => void)[] = [];
  private readonly exitListeners: ((code: number | null, reason?: string) => void)[] = [];
  private job: RemoteJob | null = null;
  private paths: SharedPaths | null = null;
  /** How far the events file has been delivered; recordedQueue holds each delivered message's end offset. */
  private readOffset = 0;
  private readonly recordedQueue: (number | null)[] = [];
  private sawTerminal = false;
  private failedByWorker = false;
  private killed = false;
  private stopping = false;
  private ended = false;
  private timer: NodeJS.Timeout | null = null;
  private lastStateAt = 0;
  /** When an end without the worker's word was first seen: it counts once a second look agrees (see tick). */
  private endSeenAt: number | null = null;
  private lastState: string | null = null;
  private lastQueryError = '';
  private submitting: Promise<void> | null = null;

  private constructor(private readonly run: RunRecord, private readonly opts: SlurmJobOptions) {}

  static submit(run: RunRecord, opts: SlurmJobOptions): SlurmJob { return new SlurmJob(run, opts); }

  /** Follows the job an earlier start submitted (job: its remote_jobs row). */
  static attach(run: RunRecord, job: RemoteJob, opts: SlurmJobOptions): SlurmJob {
    const j = new SlurmJob(run, opts);
    j.job = job;
    j.paths = new SharedPaths(job.target);
    j.readOffset = job.eventsOffset;
    j.lastState = job.state;
    queueMicrotask(() => {
      j.log('info', `following SLURM job ${job.jobId} again (${job.state ?? 'state unknown'}); events from byte ${job.eventsOffset} of ${job.eventsFile}`);
      j.schedule(0);
    });
    return j;
  }

  send(message: unknown): void {
    const m = message as ToWorker;
    if (m.type === 'start') {
      this.submitting = this.submitJob(m).catch((err: unknown) => this.fail(`could not submit the SLURM job: ${(err as Error).message}`));
    }
    else if (m.type === 'cancel' || m.type === 'pause') this.requestStop(m.type);
  }

  onMessage(listener: (message: unknown) => void): void { this.messageListeners.push(listener); }
  onExit(listener: (code: number | null, reason?: string) => void): void { this.exitListeners.push(listener); }

  kill(): void {
    this.killed = true;
    if (!this.job) return; // submission still under way: it stops before sbatch, or scancels right after
    void this.scancel();
  }

  /** Resolves once a submission under way has recorded its job, so the next start can follow it. */
  detach(): Promise<void> {
    this.ended = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    return this.submitting ?? Promise.resolve();
  }

  recorded(): void {
    const end = this.recordedQueue.shift();
    if (end !== null && end !== undefined && this.job) this.opts.store.remoteJobs.setOffset(this.run.id, end);
  }

  private deliver(message: FromWorker, end: number | null): void {
    this.recordedQueue.push(end);
    for (const l of this.messageListeners) l(message);
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void { this.deliver({ type: 'log', level, message }, null); }

  private fail(error: string): void {
    if (this.ended) return;
    this.deliver({ type: 'failed', error }, null);
    this.exit(1);
  }

  private exit(code: number | null, reason?: string): void {
    if (this.ended) return;
    this.ended = true;
    if (this.timer) clearTimeout(this.timer);
    for (const l of this.exitListeners) l(code, reason);
  }

  private target(): { name: string; settings: SlurmTargetSettings } {
    const name = this.run.target;
    const t = name ? this.opts.store.targets.byName(name) : undefined;
    if (!name || !t) throw new Error(`the execution target ${JSON.stringify(name)} is not registered (wid targets list)`);
    return { name, settings: t.settings };
  }

  private async submitJob(start: Extract<ToWorker, { type: 'start' }>): Promise<void> {
    const { name, settings } = this.target();
    const paths = new SharedPaths(settings);
    this.paths = paths;
    const files = runJobFiles(settings.sharedDir, instanceId(this.opts.dataDir), this.run.id);
    mkdirSync(files.workDir, { recursive: true });
    const staged = await stageStartMessage(start, paths, settings.sharedDir);
    for (const c of staged.copied) this.log('info', `copied to the shared folder: ${c}`);
    const worker = await workerCommand(settings.node, paths, settings.sharedDir);
    this.log('info', worker.note);
    const attempt = this.opts.store.remoteJobs.attempts(this.run.id) + 1;
    const spec: SlurmJobSpec = {
      start: { ...staged.start, workDir: paths.toRemote(files.workDir) },
      eventsFile: paths.toRemote(files.events(attempt)),
    };
    writeFileSync(files.spec, `${JSON.stringify(spec, null, 2)}\n`);
    rmSync(files.control, { force: true });
    rmSync(files.events(attempt), { force: true });
    writeFileSync(files.script, batchScript({ settings, runId: this.run.id, jobDir: paths.toRemote(files.jobDir), worker: worker.argv }), { mode: 0o755 });
    if (this.killed) { this.exit(null); return; }
    const r = await slurmCommand(settings, ['sbatch', '--parsable', paths.toRemote(files.script)]);
    const jobId = r.code === 0 ? r.stdout.trim().split(';')[0] : undefined;
    if (!jobId || !/^\d+(_\d+)?$/.test(jobId)) throw new Error(`sbatch: ${r.code === 0 ? `unexpected answer ${JSON.stringify(r.stdout.trim())}` : slurmError(r)}`);
    this.job = this.opts.store.remoteJobs.put({
      runId: this.run.id, jobId, attempt, targetName: name, target: settings, jobDir: files.jobDir, eventsFile: files.events(attempt),
    });
    this.lastState = 'PENDING';
    this.log('info', `submitted SLURM job ${jobId} to target ${name} (attempt ${attempt}; ${files.jobDir})`);
    if (this.killed) void this.scancel();
    this.schedule(0);
  }

  private requestStop(kind: 'cancel' | 'pause'): void {
    this.stopping = true;
    if (!this.job) { this.killed = true; return; }
    // A job still waiting in the queue has nothing to checkpoint: take it out of the queue at once.
    if (this.lastState === 'PENDING') { this.killed = true; void this.scancel(); return; }
    try { writeFileSync(join(this.job.jobDir, 'control'), kind); }
    catch (err) { this.log('warn', `could not ask the job to ${kind} (${(err as Error).message}); it is cancelled instead`); this.killed = true; void this.scancel(); }
  }

  private async scancel(): Promise<void> {
    if (!this.job) return;
    const r = await slurmCommand(this.job.target, ['scancel', this.job.jobId]);
    if (r.code !== 0) this.log('warn', `scancel ${this.job.jobId}: ${slurmError(r)}`);
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.ended) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = null; this.tick().catch((err: unknown) => this.log('error', `following SLURM job: ${(err as Error).message}`)).finally(() => this.schedule(this.opts.pollMs)); }, ms);
    this.timer.unref?.();
  }

  /** Delivers the events appended since the last read; paths the job reported are translated to this machine's. */
  private drain(): void {
    if (!this.job || !this.paths) return;
    for (const line of readEvents(this.job.eventsFile, this.readOffset)) {
      this.readOffset = line.end;
      const m = line.message as FromWorker | undefined;
      if (!m || typeof m !== 'object' || typeof m.type !== 'string') {
        // not a message (half a line of a killed attempt): remember it as read once what precedes it is recorded
        if (this.recordedQueue.length === 0) this.opts.store.remoteJobs.setOffset(this.run.id, line.end);
        else this.recordedQueue[this.recordedQueue.length - 1] = line.end;
        continue;
      }
      if (this.sawTerminal) continue;
      const p = this.paths;
      const local: FromWorker = m.type === 'artifact' || m.type === 'model' ? { ...m, path: p.toLocal(m.path) }
        : m.type === 'evaluation' && m.modelPath ? { ...m, modelPath: p.toLocal(m.modelPath) } : m;
      if (TERMINAL.has(m.type)) { this.sawTerminal = true; this.failedByWorker = m.type === 'failed'; }
      this.deliver(local, line.end);
    }
  }

  private async tick(): Promise<void> {
    if (this.ended || !this.job) return;
    this.drain();
    if (this.sawTerminal) { this.finishedByWorker(); return; }
    if (Date.now() - this.lastStateAt < this.opts.statePollMs && !this.killed) return;
    this.lastStateAt = Date.now();
    let state: JobState | null;
    try {
      state = await queryJob(this.job.target, this.job.jobId);
      this.lastQueryError = '';
    } catch (err) {
      const message = (err as Error).message;
      if (message !== this.lastQueryError) this.log('warn', `cannot ask SLURM about job ${this.job.jobId} (will keep trying): ${message}`);
      this.lastQueryError = message;
      return;
    }
    if (state && (state.state !== this.lastState || state.reason !== this.job.reason)) this.noteState(state);
    const outcome = state ? outcomeOf(state.state) : 'interrupted';
    if (outcome === 'active') { this.endSeenAt = null; return; }
    // A requeued job (node failure, preemption, `scontrol requeue`) can show its killed attempt's end (FAILED with the
    // exit code SIGTERM left) before SLURM turns it back into PENDING: an end counts once a look END_CONFIRM_MS later agrees.
    if (!this.killed && (this.endSeenAt === null || Date.now() - this.endSeenAt < END_CONFIRM_MS)) {
      this.endSeenAt ??= Date.now();
      this.lastStateAt = this.endSeenAt - this.opts.statePollMs + END_CONFIRM_MS; // one more look, END_CONFIRM_MS after the first
      return;
    }
    this.drain(); // what the job wrote just before it ended
    if (this.sawTerminal) { this.finishedByWorker(); return; }
    await this.endedWithoutResult(state, outcome);
  }

  /**
   * The worker reported how the job ended and exits right after (0, or 1 after `failed`): record the state SLURM
   * gives that exit rather than the RUNNING of the last look, without asking the cluster once more.
   */
  private finishedByWorker(): void {
    if (this.job && this.lastState !== 'COMPLETED' && this.lastState !== 'FAILED') {
      const state = this.failedByWorker ? 'FAILED' : 'COMPLETED';
      this.opts.store.remoteJobs.setState(this.run.id, state, null);
      this.lastState = state;
    }
    this.exit(0);
  }

  private noteState(state: JobState): void {
    if (!this.job) return;
    this.opts.store.remoteJobs.setState(this.run.id, state.state, state.reason);
    this.job = { ...this.job, state: state.state, reason: state.reason };
    const where = state.state === 'RUNNING' && state.nodes ? ` on ${state.nodes}` : '';
    this.log('info', `SLURM job ${this.job.jobId}: ${state.state}${where}${state.reason ? ` (${state.reason})` : ''}`);
    this.lastState = state.state;
  }

  /** The job left the queue without the worker saying how it ended. */
  private async endedWithoutResult(state: JobState | null, outcome: 'completed' | 'failed' | 'interrupted'): Promise<void> {
    const job = this.job!;
    const how = state ? `${state.state}${state.exitCode ? `, exit code ${state.exitCode}` : ''}${state.reason ? `, reason ${state.reason}` : ''}` : 'gone from the queue (SLURM no longer knows it)';
    if (this.killed || this.stopping) { this.exit(null); return; }
    const logFile = join(job.jobDir, `slurm-${job.jobId}.out`);
    const tail = await readFile(logFile, 'utf8').then((t) => t.trimEnd().split('\n').slice(-LOG_TAIL_LINES).join('\n'), () => '');
    if (tail) this.log(outcome === 'interrupted' ? 'warn' : 'error', `the last lines of ${logFile}:\n${tail}`);
    if (outcome === 'interrupted') {
      this.exit(null, `SLURM job ${job.jobId} ended ${how} before the job finished; resume the run to continue from its last checkpoint`);
      return;
    }
    const lastLine = tail.split('\n').filter(Boolean).pop();
    this.fail(`SLURM job ${job.jobId} ${outcome === 'completed' ? 'ended without reporting a result' : 'failed'} (${how}); its log: ${logFile}${lastLine ? `: ${lastLine}` : ''}`);
  }
}
