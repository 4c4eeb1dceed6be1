// Entry point of the job process (Node child_process.fork or Electron utilityProcess): receives one
// `start` message, selects the tfjs backend, runs the job and streams everything back as messages.
// Bundled as dist/main/worker.cjs, so nothing here may depend on tsx or on source-relative paths.
import { explainBackendError, selectBackend, type BackendPreference } from '../engine/backend/index.js';
import { jobFor } from '../engine/jobs/registry.js';
import type { JobContext } from '../engine/jobs/types.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { runWorkerTask } from './tasks.js';

interface ParentPort { on(event: 'message', listener: (e: { data: unknown }) => void): void; postMessage(m: unknown): void }
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function post(message: FromWorker): void {
  if (parentPort) parentPort.postMessage(message);
  else process.send?.(message);
}

/** Exits once the last message has been handed to the IPC channel. */
function finish(message: FromWorker): void {
  if (parentPort) { parentPort.postMessage(message); setTimeout(() => process.exit(0), 50); return; }
  if (!process.send) process.exit(0);
  process.send(message, undefined, {}, () => process.exit(0));
}

/** The run's `error` gets the message; the stack goes to the run log for whoever debugs it. */
function failed(raw: unknown): void {
  const err = explainBackendError(raw);
  if (err instanceof Error && err.stack) post({ type: 'log', level: 'error', message: err.stack });
  finish({ type: 'failed', error: err instanceof Error ? err.message : String(err) });
}

const controller = new AbortController();
let stopReason: 'cancelled' | 'paused' | null = null;
let started = false;

async function start(msg: Extract<ToWorker, { type: 'start' }>): Promise<void> {
  const job = jobFor(msg.method);
  // the service parsed this config once (fields and files) and stored the result: the job gets it as it is
  const config = msg.jobConfig;
  const pref = (config as { backend?: unknown }).backend;
  const backend = await selectBackend(typeof pref === 'string' ? (pref as BackendPreference) : undefined);
  post({ type: 'backend', name: backend.name, device: backend.device });
  const ctx: JobContext = {
    runId: msg.runId, workDir: msg.workDir, seed: msg.seed, backend, signal: controller.signal, resume: msg.resume,
    progress: (progress) => post({ type: 'progress', progress }),
    metric: (step, name, value) => post({ type: 'metric', step, name, value }),
    log: (level, message) => post({ type: 'log', level, message }),
    artifact: (kind, path) => post({ type: 'artifact', kind, path }),
    evaluation: (e) => post({ type: 'evaluation', ...e }),
    registerModel: (m) => post({ type: 'model', ...m }),
  };
  const result = await job.run(config, ctx);
  finish(stopReason ? { type: 'stopped', reason: stopReason, result } : { type: 'done', result });
}

function onMessage(raw: unknown): void {
  const msg = raw as ToWorker;
  if (msg?.type === 'start' && !started) {
    started = true;
    start(msg).catch(failed);
  } else if (msg?.type === 'task' && !started) {
    started = true;
    runWorkerTask(msg.task).then((value) => finish({ type: 'taskResult', value }), failed);
  } else if (msg?.type === 'cancel' || msg?.type === 'pause') {
    stopReason ??= msg.type === 'cancel' ? 'cancelled' : 'paused';
    controller.abort(stopReason);
  }
}

if (parentPort) parentPort.on('message', (e) => onMessage(e.data));
else process.on('message', onMessage);
// The app went away: nobody would record what we do, so stop (the run is marked interrupted).
process.on('disconnect', () => process.exit(1));
// A terminal's Ctrl-C reaches the whole process group; the runner (our parent) answers it with a cancel
// message, so the job stops at its next step boundary instead of dying mid-step.
process.on('SIGINT', () => {});
