// Entry point of the job process (Node child_process.fork or Electron utilityProcess): receives one
// `start` message, selects the tfjs backend, runs the job and streams everything back as messages.
// Bundled as dist/main/worker.cjs, so nothing here may depend on tsx or on source-relative paths.
import type { FromWorker, ToWorker } from './protocol.js';
import { failureMessages, runJob } from './run-job.js';
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
  const messages = failureMessages(raw);
  for (const m of messages.slice(0, -1)) post(m);
  finish(messages[messages.length - 1]!);
}

const controller = new AbortController();
let stopReason: 'cancelled' | 'paused' | null = null;
let started = false;

function onMessage(raw: unknown): void {
  const msg = raw as ToWorker;
  if (msg?.type === 'start' && !started) {
    started = true;
    runJob(msg, post, controller.signal, () => stopReason).then(finish, failed);
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
