// Runs a one-off WorkerTask in a fresh worker process and returns its value; the service's own
// process (Electron main, web server) never blocks on loading a model.
import type { WorkerTask } from '../../worker/protocol.js';
import { isFromWorker } from '../../worker/protocol.js';
import type { WorkerLauncher } from '../runner/worker-launcher.js';

export function runWorkerTask(launch: WorkerLauncher, task: WorkerTask, timeoutMs = 300_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const worker = launch(0);
    const done = (fn: () => void) => { if (!settled) { settled = true; clearTimeout(timer); fn(); } };
    const timer = setTimeout(() => done(() => { worker.kill(); reject(new Error(`${task.name} took longer than ${timeoutMs / 1000} s`)); }), timeoutMs);
    worker.onMessage((m) => {
      if (!isFromWorker(m)) return;
      if (m.type === 'taskResult') done(() => resolve(m.value));
      else if (m.type === 'failed') done(() => reject(new Error(m.error.split('\n')[0])));
    });
    worker.onExit((code) => done(() => reject(new Error(`${task.name}: worker process exited (code ${code ?? 'unknown'}) without an answer`))));
    worker.send({ type: 'task', task });
  });
}
